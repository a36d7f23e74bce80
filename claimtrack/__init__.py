"""claimtrack: who said what, for which government, and how stated positions change over time.

This package is the roof of the house: the ``claimtrack`` command line (``cli``) and what it prints or writes
(``formatting``, ``timeline`` in the terminal, ``report`` in HTML), and ``choices`` (the filters of ``positions`` and
``report``, checked against the database). The stages live in their own packages, in the
order a page travels: ``crawler`` -> ``extractors`` -> ``warehouse`` -> ``positions``, with ``flows`` calling each
and ``core`` beneath them all.
"""

from core import __version__

__all__ = ["__version__"]
