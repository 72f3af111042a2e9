#!/usr/bin/env python3
"""Fill Solara's front-end asset cache from the npm registry, so the trainer app works offline.

Solara's server fetches its page assets (the Vuetify app bundle, font-awesome, requirejs, the grid
layout, vega for charts) from a CDN the first time a page asks for them and keeps them in a cache
folder; classrooms and company networks often block that CDN. This script downloads the same
packages once from the npm registry (a tarball per package) and unpacks each into CACHE/<spec>/,
the path the server looks up (e.g. CACHE/requirejs@2.3.6/require.js).

usage: fetch_solara_assets.py [CACHE_DIR] [name@version ...]
CACHE_DIR defaults to this Python's prefix + /share/solara/cdn (Solara's own default); a version
may be exact (2.3.6) or a major version (5, resolved to its newest release).
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import urllib.parse
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
# What Solara 1.6x with Vuetify-2 widgets (ipyvuetify < 3) asks its CDN for.
SPECS = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "font-awesome@4.5.0",
    "requirejs@2.3.6",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
)


def split_spec(spec: str) -> tuple[str, str]:
    """'@scope/name@1.2' -> ('@scope/name', '1.2')."""
    name, _, version = spec.rpartition("@")
    if not name or not version:
        raise ValueError(f"{spec!r} is not name@version")
    return name, version


def _get_json(url: str) -> dict:
    req = urllib.request.Request(url, headers={"Accept": "application/vnd.npm.install-v1+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


def _release_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def tarball_url(name: str, version: str) -> str:
    """URL of the tarball of `name` at `version` (exact, or a bare major number)."""
    meta = _get_json(f"{REGISTRY}/{urllib.parse.quote(name, safe='@')}")
    versions = meta["versions"]
    if version not in versions:
        releases = [
            v for v in versions if v.split(".")[0] == version and v.replace(".", "").isdigit()
        ]
        if not releases:
            raise LookupError(f"{name}@{version}: no such version in the npm registry")
        version = max(releases, key=_release_key)
    return versions[version]["dist"]["tarball"]


def unpack(data: bytes, dest: Path) -> None:
    """Unpack an npm tarball into `dest`, dropping its top folder ('package/')."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts[1:]
            if not parts or not (member.isfile() or member.isdir()) or ".." in parts:
                continue
            target = dest.joinpath(*parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())


def fill(cache: Path, specs=SPECS) -> None:
    """Download every spec not yet in `cache`."""
    for spec in specs:
        dest = cache / spec
        if dest.is_dir() and any(dest.iterdir()):
            continue
        name, version = split_spec(spec)
        with urllib.request.urlopen(tarball_url(name, version), timeout=120) as resp:
            data = resp.read()
        tmp = dest.with_name(dest.name + ".partial")
        unpack(data, tmp)
        tmp.rename(dest)  # a folder appears only once complete
        print(f"fetched {spec}")


def main() -> int:
    args = sys.argv[1:]
    cache = Path(args[0]) if args else Path(sys.prefix) / "share" / "solara" / "cdn"
    try:
        fill(cache, args[1:] or SPECS)
    except (OSError, LookupError, ValueError, tarfile.TarError) as exc:
        print(
            f"error: could not fetch Solara's front-end assets into {cache}: {exc}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
