"""`community-sim-collect`: gather a sweep's finished jobs (sim.analysis.collect), failures as one line (sim/failures.py)."""

from sim.analysis.collect import main as _main
from sim.failures import command

main = command("community-sim-collect")(_main)
