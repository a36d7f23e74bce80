"""Evaluations of the extractors against annotated corpora (read from ``../shared`` at run time, never shipped)."""
