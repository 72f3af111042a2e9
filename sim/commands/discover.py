"""`community-sim-discover`: scenario discovery with PRIM (sim.analysis.discover), failures as one line (sim/failures.py)."""

from sim.analysis.discover_report import main as _main
from sim.failures import command

main = command("community-sim-discover")(_main)
