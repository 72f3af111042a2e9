"""`community-sim` with a list, a mapping or an unreadable value where the schema wants something else:
one line naming the setting, what it takes and what it got; exit 2; no traceback; nothing run."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("founders=[1,2]", "founders: expected a group of settings (n_founders, placement), set one at a time, "
                           "e.g. founders.n_founders=20; got the list [1,2]"),
        ("days=[30,60]", "days: expected one int, e.g. days=365; got the list [30,60]"),
        ("founders.n_founders=[1,2", "founders.n_founders: expected one int, e.g. founders.n_founders=20; "
                                     "got '[1,2', which cannot be read: '[' and ']' do not pair up"),
        ("founders={size:5}", "founders.size: no such config key; allowed here: n_founders, placement"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_with_one_line_that_names_it(tmp_path, arg, expected):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", arg], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {expected}"]
    assert "Traceback" not in proc.stderr + proc.stdout and not (tmp_path / "outputs").exists()
