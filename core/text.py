"""Control characters in text from the outside: removed from what is stored, shown as escapes on a terminal.

A page can carry ESC, BEL, a carriage return or a C1 control (CSI, U+009B) that a terminal obeys: retitle the
window, clear the screen, overwrite a line with a forged one. None of them is ever part of what someone said, so
the extractors store text without them (newlines and tabs kept: they are the text's structure), and what the
command line prints is escaped on the way out, for databases stored before.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, and the C1 controls (Unicode category Cc).
_STORED_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The same, tab included (a tab in one table cell shifts the columns after it).
_PRINTED_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def strip_control_chars(text: str) -> str:
    """``text`` without control characters; newlines and tabs kept, a carriage return (``\\r\\n`` or alone) made
    a newline so that old Mac and Windows line ends keep their paragraphs."""
    if not _STORED_CONTROL.search(text):
        return text
    return _STORED_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape_control_chars(text: str) -> str:
    """For a terminal: every control character but the newline written as a visible escape (ESC as ``\\x1b``),
    so none is obeyed; tabs are escaped too (one in a table cell would shift the columns after it)."""
    if not _PRINTED_CONTROL.search(text):
        return text
    return _PRINTED_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
