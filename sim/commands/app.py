"""`community-sim-app`: serve the interactive app (sim.viz.serve), failures as one line (sim/failures.py)."""

from sim.failures import command
from sim.viz.serve import main as _main

main = command("community-sim-app")(_main)
