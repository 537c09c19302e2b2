"""Which text an XML 1.0 document can carry: shared by the requests cqtui sends and the emulator's answers."""

from __future__ import annotations

import re

# Tab, LF, CR and everything from U+0020 but the surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_problem(text: str) -> str | None:
    """Why `text` cannot appear in an XML 1.0 document, or None when it can."""
    found = _XML_ILLEGAL.search(text)
    if found is None:
        return None
    return f"character U+{ord(found.group()):04X} at offset {found.start()} is not allowed in XML 1.0"
