"""Configs select behaviour but never run code: no `_target_` instantiation, no eval/exec, no
unpickling. A config, scenario file, playbook or fork override naming `_target_` is refused with
one line, and the package's source holds no call that could turn user input into code."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import config_dir
from sim.config import ConfigError, SimConfig

ROOT = Path(__file__).resolve().parents[2]
# calls that execute or unpickle what they are given (by name, or module.name)
FORBIDDEN = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "import_module",
    "instantiate",
    "call",
    "pickle.load",
    "pickle.loads",
    "marshal.loads",
    "shelve.open",
    "joblib.load",
    "read_pickle",
    "yaml.load",
    "yaml.unsafe_load",
    "yaml.full_load",
    "dill.load",
    "cloudpickle.load",
    "torch.load",
}


def called_names(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                yield f.id, node
            elif isinstance(f, ast.Attribute):
                # module.name when called on a plain name (subprocess.call is fine), else the name
                yield (f"{f.value.id}.{f.attr}" if isinstance(f.value, ast.Name) else f.attr), node


def unsafe_calls(source: str, where: str = "") -> list[str]:
    """Calls in `source` that could run code from input (np.load only with allow_pickle=False)."""
    found = []
    for name, node in called_names(ast.parse(source)):
        pickles = any(
            k.arg == "allow_pickle"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if name in FORBIDDEN or (name.split(".")[-1] == "load" and pickles):
            found.append(f"{where}:{node.lineno} {name}")
    return found


def test_the_source_scan_finds_what_it_looks_for():
    source = (
        "pickle.loads(b)\neval('1')\nyaml.load(t)\ninstantiate(c)\nnp.load(p, allow_pickle=True)\n"
        "hydra.utils.call(x)\nsubprocess.call(['ls'])\nnp.load(p, allow_pickle=False)\nyaml.safe_load(t)\n"
    )
    assert [f.split(" ")[1] for f in unsafe_calls(source)] == [
        "pickle.loads",
        "eval",
        "yaml.load",
        "instantiate",
        "np.load",
        "call",
    ]


def test_the_package_never_evaluates_or_unpickles_input():
    found = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        found += unsafe_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, found


def test_no_shipped_config_names_python_code():
    for path in [*(ROOT / "configs").rglob("*.yaml"), *(ROOT / "scenarios").rglob("*.yaml")]:
        assert "_target_" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(
    "data",
    [
        {"_target_": "os.system"},
        {"policy": {"referral": {"_target_": "os.system", "name": "open_invite"}}},
        {"network": {"_target_": "networkx.complete_graph"}},
        {"playbook": {"stages": {"GROW": {"policy": {"referral": {"_target_": "os.system"}}}}}},
    ],
)
def test_a_config_naming_a_target_is_refused_with_one_line(data):
    with pytest.raises(ConfigError) as err:
        SimConfig.from_dict(data)
    assert "_target_" in str(err.value) and "\n" not in str(err.value)


def community_sim(args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "days=3", "network.n_people=300", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_the_command_refuses_a_target_override_before_anything_runs(tmp_path):
    marker = tmp_path / "ran"
    proc = community_sim(
        ["+policy.referral._target_=os.system", f"+policy.referral._args_=[touch {marker}]"],
        tmp_path,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "policy.referral._target_: no such config key" in line
    assert not marker.exists() and not list(tmp_path.rglob("DONE"))


def test_a_scenario_file_naming_a_target_is_refused_and_never_run(tmp_path):
    configs = tmp_path / "configs"
    shutil.copytree(config_dir(), configs)
    scenarios = configs / "scenario"
    if scenarios.is_symlink():  # the scenario group may link to scenarios/: copy it as files
        target = scenarios.resolve()
        scenarios.unlink()
        shutil.copytree(target, scenarios)
    marker = tmp_path / "ran"
    (scenarios / "evil.yaml").write_text(
        f"# @package _global_\npolicy:\n  referral:\n    _target_: os.system\n    command: touch {marker}\n",
        encoding="utf-8",
    )
    proc = community_sim(
        ["scenario=evil"], tmp_path, env={**os.environ, "COMMUNITY_SIM_CONFIGS": str(configs)}
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "policy.referral._target_: no such config key" in proc.stderr.strip().splitlines()[-1]
    assert not marker.exists() and not list(tmp_path.rglob("DONE"))
