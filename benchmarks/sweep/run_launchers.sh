#!/usr/bin/env bash
# Wall time of a 100-job sweep of the default scenario (100 seeds), run serially by Hydra's basic
# launcher and in parallel by its joblib launcher on 2 workers. Writes timings.txt beside the runs.
# Both sweeps run a frozen copy of the committed source (git archive HEAD), so an edit made while
# the benchmark runs cannot reach one launcher and not the other.
# Usage: bash benchmarks/sweep/run_launchers.sh [N_JOBS=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100}
ROOT=$(pwd)
OUT=$ROOT/benchmarks/results/sweep
rm -rf "$OUT" && mkdir -p "$OUT/src"
git archive HEAD | tar -x -C "$OUT/src"
cd "$OUT/src"  # python -m puts the working folder first on the path: the frozen copy
export PYTHONPATH=$OUT/src COMMUNITY_SIM_CONFIGS=$OUT/src/configs
SIM="$ROOT/.venv/bin/python -m sim.cli"
{
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%FT%TZ); source $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "jobs: $N seeds of the default scenario (brand_community, 50,000 people, 365 days)"
} | tee "$OUT/timings.txt"
t0=$(date +%s.%N)
$SIM -m "seed=range(0,$N)" hydra.sweep.dir="$OUT/serial" > "$OUT/serial.log" 2>&1
t1=$(date +%s.%N)
echo "serial (basic launcher): $(echo "$t1 - $t0" | bc) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/timings.txt"
$SIM -m "seed=range(0,$N)" hydra/launcher=joblib hydra.launcher.n_jobs=2 hydra.sweep.dir="$OUT/joblib2" > "$OUT/joblib2.log" 2>&1
t2=$(date +%s.%N)
echo "joblib, 2 workers:       $(echo "$t2 - $t1" | bc) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/timings.txt"
echo "finished runs: serial $(find "$OUT/serial" -name DONE | wc -l), joblib $(find "$OUT/joblib2" -name DONE | wc -l)" | tee -a "$OUT/timings.txt"
