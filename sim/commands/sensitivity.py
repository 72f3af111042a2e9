"""`community-sim-sensitivity`: sensitivity analysis (sim.analysis.sensitivity), failures as one line (sim/failures.py)."""

from sim.analysis.sensitivity import main as _main
from sim.failures import command

main = command("community-sim-sensitivity")(_main)
