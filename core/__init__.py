"""What every stage shares and nothing else: the error family, settings, and the records passed between stages."""

__version__ = "0.1.0"
