"""`python -m sim.cli`: the same as `community-sim`."""

from sim.cli import main

main()
