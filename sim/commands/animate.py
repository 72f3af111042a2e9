"""`community-sim-animate`: animate a run (sim.viz.animate), failures as one line (sim/failures.py)."""

from sim.failures import command
from sim.viz.animate import main as _main

main = command("community-sim-animate")(_main)
