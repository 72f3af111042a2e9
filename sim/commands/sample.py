"""`community-sim-sample`: a Latin-hypercube sweep (sim.analysis.sample), failures as one line (sim/failures.py)."""

from sim.analysis.sample import main as _main
from sim.failures import command

main = command("community-sim-sample")(_main)
