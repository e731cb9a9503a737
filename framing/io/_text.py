"""Text files as the readers see them: opened (gzipped or not), decoded, split into lines.

The rules are the same for every reader and every chunk size: a leading byte-order mark is
not text; lines end at ``"\\n"`` (the caller may choose ``"\\r"`` for a file without any
``"\\n"``); a byte that does not decode is reported with its offset in the (decompressed)
file and its line. UTF-16 or UTF-32 text read with an ASCII-compatible encoding is
recognised from the file's first bytes, so that errors can name the encoding to pass.
"""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

__all__ = ["SNIFF_BYTES", "DecodedLines", "UndecodableFile", "ascii_compatible",
           "decoded_blocks", "encoding_hint", "first_bytes", "is_utf8", "open_binary",
           "refuse_wide_text", "wide_text_hint"]

#: Bytes from the start of a file enough to tell UTF-16 or UTF-32 text.
SNIFF_BYTES = 4096
#: Bytes decoded at a time.
_BLOCK = 1 << 20
# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UndecodableFile(ValueError):
    """A text file that does not decode with the encoding given; nothing of it is kept.

    Parameters
    ----------
    source : str
        The file.
    encoding : str
        The encoding it was read with.
    offset : int
        Offset of the first undecodable byte in the (decompressed) file.
    line : int
        The 1-based line holding that byte.

    Attributes
    ----------
    source, encoding, offset, line
        As given.
    problem : str
        What is wrong and what to try, for example ``not valid UTF-8: undecodable byte at
        offset 26 (line 3) (try encoding=..., ...)``.
    """

    def __init__(self, source: str, encoding: str, offset: int, line: int):
        self.source, self.encoding, self.offset, self.line = source, encoding, offset, line
        self.problem = encoding_hint(encoding, f": undecodable byte at offset {offset} "
                                               f"(line {line})")
        super().__init__(f"{source}: the file was not loaded, it is {self.problem}")

    def __reduce__(self):
        # Rebuilt from its parts, so that it survives pickling (process pools, dask).
        return type(self), (self.source, self.encoding, self.offset, self.line)


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (with or without a byte-order mark)."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def ascii_compatible(encoding: str) -> bool:
    """Whether ``encoding`` writes ``"\\n"`` as the byte ``b"\\n"`` (not UTF-16 or UTF-32)."""
    return "\n".encode(encoding) == b"\n"


def encoding_hint(encoding: str, where: str = "") -> str:
    """'not valid UTF-8 (try encoding=...)', with ``where`` (an offset) before the hint.

    Examples
    --------
    >>> encoding_hint("latin-1")
    'not valid latin-1 (try another encoding=...)'
    """
    if is_utf8(encoding):
        return f'not valid UTF-8{where} (try encoding=..., for example encoding="cp1252")'
    return f"not valid {encoding}{where} (try another encoding=...)"


def open_binary(path: Path):
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def first_bytes(path: Path) -> bytes:
    """The file's first :data:`SNIFF_BYTES` bytes (decompressed)."""
    with open_binary(path) as handle:
        return handle.read(SNIFF_BYTES)


def _wide_text(sample: bytes) -> tuple[str, str] | None:
    """(encoding to pass, evidence) when ``sample`` starts UTF-16 or UTF-32 text, else None.

    ``sample`` is a file's first bytes. Without a byte-order mark, such text is told by its
    NUL bytes: a JSON line or a CSV header starts with an ASCII character, which UTF-16 and
    UTF-32 write beside one or three NUL bytes, and mostly ASCII text keeps that pattern.
    """
    for bom, name in _WIDE_BOMS:
        if sample.startswith(bom):
            return name, f"it starts with a {name.upper()} byte-order mark"
    for width, layouts in ((4, (("utf-32-le", 0), ("utf-32-be", 3))),
                           (2, (("utf-16-le", 0), ("utf-16-be", 1)))):
        usable = len(sample) - len(sample) % width
        if usable < 2 * width:
            continue
        for name, position in layouts:
            first = sample[:width]
            if first[position] == 0 or first.count(0) != width - 1:
                continue
            characters = sample[position:usable:width]
            padding = [sample[k:usable:width] for k in range(width) if k != position]
            if (characters.count(0) <= 0.05 * len(characters)
                    and all(p.count(0) >= 0.25 * len(p) for p in padding)):
                return name, "NUL bytes between its characters"
    return None


def wide_text_hint(sample: bytes, encoding: str) -> str:
    """A hint to add to a file's errors when it is UTF-16/32 text read as ``encoding``; or "".

    Examples
    --------
    >>> hint = wide_text_hint('{"a": 1}'.encode("utf-16-le"), "utf-8")
    >>> hint.endswith('NUL bytes between its characters: pass encoding="utf-16-le")')
    True
    """
    if not ascii_compatible(encoding):
        return ""  # the user already chose a wide encoding
    found = _wide_text(sample)
    if found is None:
        return ""
    name, evidence = found
    return f' (the file looks like {name[:6].upper()} text, {evidence}: pass encoding="{name}")'


def refuse_wide_text(sample: bytes, encoding: str, source: str) -> None:
    """Fail a CSV or TSV file that is UTF-16/32 text read with an ASCII-compatible encoding.

    Such a file may decode without error (NUL is a valid UTF-8 character) into a garbled
    header; there is no row in it to keep.
    """
    hint = wide_text_hint(sample, encoding)
    if hint:
        raise ValueError(f"{source}: the file was not loaded, it is not {encoding} text{hint}")


def decoded_blocks(handle, encoding: str, source: str) -> Iterator[str]:
    """The text of a binary stream, a block at a time, without a leading byte-order mark.

    Raises
    ------
    UndecodableFile
        At the first byte that does not decode, naming its offset and line.
    """
    # The codec's own byte-order-mark handling ("utf-8-sig") would shift every offset
    # after the mark: decode plain UTF-8 and drop the mark as text instead.
    codec = "utf-8" if is_utf8(encoding) else codecs.lookup(encoding).name
    make_decoder = codecs.getincrementaldecoder(codec)
    decoder = make_decoder()
    offset = 0  # of the next block in the file
    newlines = 0  # decoded so far: the line of an undecodable byte
    at_start = True
    while True:
        block = handle.read(_BLOCK)
        state = decoder.getstate()
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError as err:
            # err.start counts from the bytes the decoder held back from the last block.
            held = len(state[0])
            redo = make_decoder()
            redo.setstate(state)
            before = redo.decode(block[:max(err.start - held, 0)])
            raise UndecodableFile(source, encoding, offset - held + err.start,
                                  newlines + before.count("\n") + 1) from err
        offset += len(block)
        if at_start:
            text = text.lstrip("\ufeff")
            at_start = not text
        newlines += text.count("\n")
        if text:
            yield text
        if not block:
            return


class DecodedLines:
    """The lines of a binary stream, decoded, each with its line end (the last may lack one).

    Only ``newline`` ends a line: with ``"\\n"``, a ``"\\r\\n"`` line keeps its ``"\\r"``
    and a lone ``"\\r"`` is text. Lines are split a block at a time by :class:`io.StringIO`,
    so that iterating them costs no Python call per line (the csv module reads them).

    Parameters
    ----------
    handle : binary file
    encoding, source : str
        See :func:`decoded_blocks`.
    newline : str, default "\\n"
    edit : callable, optional
        Applied to each run of whole lines before they are split (it must keep line ends).

    Attributes
    ----------
    count : int
        Lines handed out so far, counted a block at a time: all of them once the iteration
        ends.

    Raises
    ------
    UndecodableFile
        At the first byte that does not decode (see :func:`decoded_blocks`).
    """

    def __init__(self, handle, encoding: str, source: str, newline: str = "\n", edit=None):
        self.handle, self.encoding, self.source = handle, encoding, source
        self.newline, self.edit = newline, edit
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        return itertools.chain.from_iterable(self._runs())

    def _runs(self) -> Iterator[io.StringIO]:
        pending: list[str] = []  # a line that has not ended yet, block by block
        for text in decoded_blocks(self.handle, self.encoding, self.source):
            cut = text.rfind(self.newline) + 1
            if not cut:
                pending.append(text)
                continue
            yield self._lines("".join([*pending, text[:cut]]))
            pending = [text[cut:]]
        if rest := "".join(pending):
            yield self._lines(rest)

    def _lines(self, text: str) -> io.StringIO:
        self.count += text.count(self.newline) + (not text.endswith(self.newline))
        if self.edit is not None:
            text = self.edit(text)
        return io.StringIO(text, newline=self.newline)
