"""`community-sim-compare`: compare policies across seeds (sim.analysis.compare), failures as one line (sim/failures.py)."""

from sim.analysis.compare import main as _main
from sim.failures import command

main = command("community-sim-compare")(_main)
