"""Evaluations of claimtrack against benchmark data read from ``../shared`` at run time (never copied here)."""
