"""The lines of a resource text file (a lexicon, a word list), each kept whatever its bytes.

Unlike a corpus, whose undecodable rows are rejected, a published resource file with one
stray byte should still give that line: it is decoded in a fallback encoding and reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

__all__ = ["TextLine", "iter_text_lines"]


class TextLine(NamedTuple):
    """One line of a text file: its 1-based number, its text, and how it was decoded."""

    number: int
    text: str
    raw: str | None = None  #: the undecodable bytes, escaped, when not valid UTF-8
    note: str | None = None  #: how such a line was decoded instead


def iter_text_lines(path: str | Path) -> Iterator[TextLine]:
    """Yield each line of a text file as a :class:`TextLine`.

    Lines are split on ``\\n`` and numbered as ``wc -l`` and ``sed -n`` count them; a
    trailing ``\\r`` (CRLF files) and a UTF-8 byte-order mark are removed. Each line is
    decoded as UTF-8; a line that is not valid UTF-8 is decoded as Windows-1252 (or Latin-1
    where that fails) and carries its raw bytes and a note, so that one stray byte never
    costs the whole file and is always reported.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "words.txt"
    ...     _ = path.write_bytes(b"caf\\xe9\\r\\nok\\n")
    ...     lines = list(iter_text_lines(path))
    >>> lines[0].text, lines[0].note
    ('café', 'not valid UTF-8: decoded as Windows-1252')
    >>> lines[1]
    TextLine(number=2, text='ok', raw=None, note=None)
    """
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    chunks = data.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    for number, chunk in enumerate(chunks, 1):
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            yield TextLine(number, text)
            continue
        raw = chunk.decode("ascii", errors="backslashreplace")
        try:
            text, codec = chunk.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, codec = chunk.decode("latin-1"), "Latin-1"
        yield TextLine(number, text, raw, f"not valid UTF-8: decoded as {codec}")
