#!/usr/bin/env bash
# Sets up .venv with a Python >= 3.12 and installs the project with its development tools.
# Finds Python by itself: python3.13, python3.12, python3, then pyenv's 3.13 / 3.12 installs.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
STAMP=$VENV/.installed

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
    local c prefix
    for c in "${PYTHON:-}" python3.13 python3.12 python3; do
        [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok "$c" && { command -v "$c"; return; }
    done
    if command -v pyenv >/dev/null 2>&1; then
        for v in 3.14 3.13 3.12; do
            prefix=$(pyenv prefix "$v" 2>/dev/null) || continue
            ok "$prefix/bin/python" && { echo "$prefix/bin/python"; return; }
        done
    fi
    return 1
}

if [ -x $VENV/bin/python ] && ok $VENV/bin/python; then
    :
else
    if ! PY=$(find_python); then
        echo "error: community-sim needs Python 3.12 or newer (Mesa 3.5 requires it) and none was found." >&2
        echo "Tried: \$PYTHON, python3.13, python3.12, python3 and pyenv." >&2
        echo "Install one, e.g. 'pyenv install 3.12' or your system's python3.12 package (apt install python3.12-venv)," >&2
        echo "or point PYTHON=/path/to/python3.12 at it and run this again." >&2
        exit 1
    fi
    echo "Using $PY ($("$PY" --version 2>&1)) for $VENV"
    rm -rf $VENV
    "$PY" -m venv $VENV
fi

# The trainer app's front-end assets, served locally (no CDN needed); retried until they are there.
if [ ! -d "$VENV/share/solara/cdn/vega-embed@6" ]; then
    $VENV/bin/python scripts/fetch_solara_assets.py "$VENV/share/solara/cdn" \
        || echo "warning: the trainer app will need internet access for its page assets" >&2
fi

HASH=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f $STAMP ] && [ "$(cat $STAMP)" = "$HASH" ]; then
    exit 0
fi
$VENV/bin/python -m pip install --quiet --upgrade pip
$VENV/bin/python -m pip install --quiet -e ".[dev]"
echo "$HASH" > $STAMP
echo "Installed community-sim into $VENV"
