"""Sweeps on Ray through Hydra's Ray launcher, on a local Ray cluster bound to the loopback address.

The launcher starts the cluster (ray.init on 127.0.0.1, no dashboard) in the sweep's own process and
it goes away with it; jobs run in Ray worker processes and write their usual run folders.
"""

import os
import subprocess
import sys

import pytest

pytest.importorskip("ray", reason="the cluster extra (pip install -e '.[cluster]') is not installed")
pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="hydra-ray-launcher is not installed")


@pytest.mark.slow
def test_a_sweep_runs_on_a_local_ray_cluster_and_writes_every_run_folder(tmp_path):
    args = [
        "-m", "hydra/launcher=ray",
        "+hydra.launcher.ray.init._node_ip_address=127.0.0.1",
        "+hydra.launcher.ray.init.include_dashboard=false",
        "+hydra.launcher.ray.init.num_cpus=2",
        "seed=0,1", "days=20", "network.n_people=1000", "output.plots=false",
        f"hydra.sweep.dir={tmp_path}",
    ]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    proc = subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True,
                          timeout=240, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Ray Launcher is launching 2 jobs" in proc.stdout + proc.stderr
    assert "_run_job pid=" in proc.stdout + proc.stderr  # the runs printed from Ray worker processes
    finished = sorted(p.parent.name for p in tmp_path.rglob("DONE"))
    assert len(finished) == 2 and finished[0].endswith("seed=0") and finished[1].endswith("seed=1")
