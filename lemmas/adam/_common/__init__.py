"""Shared mathematical objects of the paper: quadratic instances, initialisation, Algorithm A and GD."""
