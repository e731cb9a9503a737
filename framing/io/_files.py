"""Finding the files to read: format detection by name, folders walked, special files skipped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .._warnings import warn_at_caller

__all__ = ["SUPPORTED_FORMATS", "find_files", "format_of"]

# Longest suffix first, so that ".csv.gz" is not taken for ".gz".
_SUFFIXES = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".csv.gz", "csv"),
    (".tsv.gz", "tsv"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".tsv", "tsv"),
    (".parquet", "parquet"),
)
#: The formats read, in words (for messages).
SUPPORTED_FORMATS = "JSONL (.jsonl, .ndjson), CSV (.csv), TSV (.tsv), their .gz, or parquet"

_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def format_of(path) -> str | None:
    """The format of a file by its name: ``"jsonl"``, ``"csv"``, ``"tsv"``, ``"parquet"``.

    Gzipped text files (``.csv.gz``) have the format of their text; ``None`` for any other
    name (including a bare ``.csv`` with nothing before it).

    Examples
    --------
    >>> format_of("corpus.NDJSON.gz"), format_of("a.tsv"), format_of("notes.txt")
    ('jsonl', 'tsv', None)
    """
    name = Path(path).name.lower()
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def find_files(path_or_paths, *, skipped_listed_in: str = ""
               ) -> tuple[list[tuple[Path, str]], list[dict]]:
    """The files to read for the paths a user gave, and those skipped with the reason.

    A file is read by its format (:func:`format_of`). A folder is searched recursively,
    following links to folders, and its files are listed in sorted order of their paths.
    Skipped, each with its reason: files of other types; hidden files and folders; anything
    that is not a regular file once links are followed (a named pipe, a device, a broken
    link); a folder reached a second time through a link (listed once, at its first path in
    sorted order; a link back into a folder being listed is a link loop). Skipped files and
    folders, except hidden ones, are also named in a warning.

    Parameters
    ----------
    path_or_paths : path-like or iterable of path-like
        Files and folders, listed in the order given.
    skipped_listed_in : str, optional
        Where the caller keeps the full list of skipped files, named in the warning.

    Returns
    -------
    files : list of (pathlib.Path, str)
        Each file to read and its format.
    skipped : list of dict
        ``{"source", "reason"}`` per file or folder not read.

    Raises
    ------
    TypeError
        ``path_or_paths`` is not a path or a list of paths.
    ValueError
        No paths; a folder with nothing to read; a file given of another type or that is
        not a regular file; the same file given twice (its rows would all be duplicates).
    FileNotFoundError
        A path that does not exist (or a broken link).
    """
    if isinstance(path_or_paths, str | os.PathLike):
        given = [path_or_paths]
    elif isinstance(path_or_paths, Iterable) and not isinstance(path_or_paths, bytes):
        given = list(path_or_paths)
    else:
        raise TypeError(f"expected a path or a list of paths, got {type(path_or_paths).__name__}")
    if not given:
        raise ValueError("no paths given")
    files, skipped, seen = [], [], {}
    for item in given:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"expected a path, got {type(item).__name__}: {item!r}")
        path = Path(item).expanduser()
        if path.is_dir():
            found, skipped_here = _walk(path)
            skipped.extend(skipped_here)
            if not found:
                names = ", ".join(s["source"] for s in skipped_here[:3])
                raise ValueError(f"{path}: no {SUPPORTED_FORMATS} files in this folder"
                                 + (f" (skipped {names}, ...)" if names else ""))
        elif path.is_symlink() and not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path} (a broken link to "
                                    f"{os.readlink(path)})")
        elif path.exists():
            kind = format_of(path)
            if kind is None:
                raise ValueError(f"{path}: unsupported file type; expected {SUPPORTED_FORMATS}")
            if (why := _not_regular(path)) is not None:
                raise ValueError(f"{path}: {why}")
            found = [(path, kind)]
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
        for file, kind in found:
            key = file.resolve()
            if key in seen:
                # Reading a file twice would reject all its rows as duplicates: say why instead.
                raise ValueError(f"{file} is given more than once (also as {seen[key]})")
            seen[key] = file
            files.append((file, kind))
    visible = [s for s in skipped if not s["reason"].startswith("hidden")]
    if visible:
        shown = "; ".join(f"{s['source']} ({s['reason']})" for s in visible[:3])
        more = "; ..." if len(visible) > 3 else ""
        where = f" (see {skipped_listed_in})" if skipped_listed_in else ""
        warn_at_caller(f"skipped {len(visible)} file(s) or folder(s): {shown}{more}{where}")
    return files, skipped


def _not_regular(path: Path) -> str | None:
    """Why ``path``, its links followed, is not a file to read; ``None`` when it is one.

    Reading a named pipe waits for a writer that never comes, and a link to ``/dev/zero``
    never ends: only regular files are read.
    """
    try:
        mode = path.stat().st_mode
    except OSError as err:
        if path.is_symlink():
            return f"a broken link ({err.strerror})"
        return f"cannot be read ({err.strerror})"
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _SPECIAL_FILES if test(mode)), "a special file")
    return f"not a regular file but {what}"


def _walk(folder: Path) -> tuple[list[tuple[Path, str]], list[dict]]:
    found, skipped = [], []
    # Links to folders are followed, so a folder is read once, at the first path that
    # reaches it (in sorted order); a link back into a folder being read is a loop.
    read_as: dict[str, Path] = {}

    def unlistable(err: OSError) -> None:
        skipped.append({"source": str(err.filename),
                        "reason": f"folder cannot be listed ({err.strerror})"})

    for root, dirs, names in os.walk(folder, onerror=unlistable, followlinks=True):
        root_path = Path(root)
        read_as.setdefault(os.path.realpath(root), root_path)
        kept = []
        for name in sorted(dirs):
            path = root_path / name
            # Hidden folders (.git, .ipynb_checkpoints) hold copies or tooling, never the
            # corpus: Jupyter's checkpoints would otherwise load every CSV twice.
            if name.startswith("."):
                skipped.append({"source": str(path), "reason": "hidden folder"})
                continue
            real = os.path.realpath(path)
            if real in read_as:
                first = read_as[real]
                if first == root_path or first in root_path.parents:
                    reason = f"link loop: leads back to {first}, which contains it"
                else:
                    reason = f"same folder as {first}, read there"
                skipped.append({"source": str(path), "reason": reason})
                continue
            read_as[real] = path
            kept.append(name)
        dirs[:] = kept
        for name in names:
            path = root_path / name
            if name.startswith("."):
                skipped.append({"source": str(path), "reason": "hidden file"})
            elif (kind := format_of(path)) is None:
                skipped.append({"source": str(path), "reason": f"not {SUPPORTED_FORMATS}"})
            elif (why := _not_regular(path)) is not None:
                skipped.append({"source": str(path), "reason": why})
            else:
                found.append((path, kind))

    def order(entry):
        return entry.relative_to(folder).as_posix()

    found.sort(key=lambda pk: order(pk[0]))
    skipped.sort(key=lambda s: order(Path(s["source"])))
    return found, skipped
