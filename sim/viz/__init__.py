"""Plots of runs: the dashboard (static), later animations and the interactive app."""
