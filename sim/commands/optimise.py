"""`community-sim-optimise`: search for the best levers (sim.analysis.optimise), failures as one line (sim/failures.py)."""

from sim.analysis.optimise import main as _main
from sim.failures import command

main = command("community-sim-optimise")(_main)
