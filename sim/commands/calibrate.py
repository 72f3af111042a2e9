"""`community-sim-calibrate`: fit parameters to observed data (sim.analysis.calibrate), failures as one line (sim/failures.py)."""

from sim.analysis.calibrate import main as _main
from sim.failures import command

main = command("community-sim-calibrate")(_main)
