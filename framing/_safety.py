"""Unpacking archives from outside without letting them write outside their folder.

A tar or zip file names its members' paths itself: ``../../.bashrc``, ``/etc/passwd``, a
symlink to ``/`` followed by a file "inside" it, or a device file. :func:`safe_extract`
checks every member before writing anything and refuses the whole archive if one member
would land outside the target folder, so a hostile archive leaves no partial trace.

An archive can also be a "zip bomb": a few megabytes that expand until the disk is full. The
number of members and the sizes their headers declare are checked before anything is written,
and since a header can lie, the bytes actually written are counted too; going past either cap
(:data:`MAX_MEMBERS`, :data:`MAX_TOTAL_BYTES`, or the caller's) stops the extraction and
removes the files it wrote.

Examples
--------
>>> import io, tarfile, tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as folder:
...     archive = Path(folder) / "evil.tar"
...     with tarfile.open(archive, "w") as tar:
...         info = tarfile.TarInfo("../escape.txt")
...         info.size = 3
...         tar.addfile(info, io.BytesIO(b"bad"))
...     try:
...         safe_extract(archive, Path(folder) / "out")
...     except UnsafeArchiveError as err:
...         print(str(err).split(":")[-1].strip())
path escapes the target folder
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["MAX_MEMBERS", "MAX_TOTAL_BYTES", "ArchiveTooLargeError", "UnsafeArchiveError",
           "safe_extract"]

#: Default cap on the bytes an archive may expand to. The largest archive framing unpacks is
#: the all-mpnet-base-v2 encoder (a 400 MB zip of about 440 MB of files); 4 GiB leaves room
#: for bigger encoders while stopping an archive that would fill the disk.
MAX_TOTAL_BYTES = 4 * 1024**3
#: Default cap on the number of members (the encoder archive has a dozen).
MAX_MEMBERS = 100_000
_CHUNK = 1 << 20


class UnsafeArchiveError(ValueError):
    """An archive member would be written outside the target folder, or is not a file."""


class ArchiveTooLargeError(UnsafeArchiveError):
    """An archive has more members, or expands to more bytes, than allowed."""


def _inside(target: Path, name: str) -> Path:
    """The resolved destination of member ``name``, or raise if it leaves ``target``."""
    if not name or "\x00" in name:
        raise UnsafeArchiveError(f"{name!r}: empty or NUL in the member name")
    if (PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute()
            or PureWindowsPath(name).drive):
        raise UnsafeArchiveError(f"{name!r}: absolute path")
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        raise UnsafeArchiveError(f"{name!r}: path escapes the target folder")
    destination = (target / Path(*parts)).resolve() if parts else target
    if destination != target and target not in destination.parents:
        # A symlink already in the target (or made by an earlier member) leads outside.
        raise UnsafeArchiveError(f"{name!r}: path escapes the target folder")
    return destination


def _check_tar(tar: tarfile.TarFile, target: Path, max_members: int) -> list[tarfile.TarInfo]:
    members = []
    # member by member rather than getmembers(): an archive of millions of empty members is
    # refused without holding them all in memory
    for member in tar:
        members.append(member)
        if len(members) > max_members:
            raise ArchiveTooLargeError(f"{tar.name}: more than max_members={max_members} "
                                       "members")
        _inside(target, member.name)
        if member.isdev() or member.isfifo() or not (member.isfile() or member.isdir()
                                                     or member.issym() or member.islnk()):
            raise UnsafeArchiveError(f"{member.name!r}: device, FIFO or special file")
        if member.issym() or member.islnk():
            link = member.linkname
            if PurePosixPath(link).is_absolute():
                raise UnsafeArchiveError(f"{member.name!r}: link to an absolute path {link!r}")
            # A symlink's target is relative to its own folder, a hard link's to the root.
            base = (PurePosixPath(member.name).parent if member.issym() else PurePosixPath())
            _inside(target, str(base / link))
            if member.issym():
                # Links are refused outright: a later member could be written through one,
                # and nothing framing unpacks needs them.
                raise UnsafeArchiveError(f"{member.name!r}: symbolic link in the archive")
    return members


def _check_zip(archive: zipfile.ZipFile, target: Path) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    for member in members:
        _inside(target, member.filename)
        # Unix zips keep the file type in the high bits of external_attr; many writers
        # leave it 0 (a plain file).
        kind = stat.S_IFMT(member.external_attr >> 16)
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise UnsafeArchiveError(f"{member.filename!r}: symbolic link or special file")
    return members


def _check_totals(archive: Path, sizes: list[int], *, max_bytes: int, max_members: int) -> None:
    """Refuse, before writing anything, an archive whose headers exceed the caps."""
    if len(sizes) > max_members:
        raise ArchiveTooLargeError(f"{archive}: {len(sizes)} members, more than "
                                   f"max_members={max_members}")
    declared = sum(sizes)
    if declared > max_bytes:
        raise ArchiveTooLargeError(f"{archive}: its members declare {declared} bytes in all, "
                                   f"more than max_bytes={max_bytes}")


class _Budget:
    """Counts the bytes actually written, which a lying header cannot hide."""

    def __init__(self, archive: Path, max_bytes: int):
        self.archive, self.left, self.max_bytes = archive, max_bytes, max_bytes

    def copy(self, source, sink, *, name: str, declared: int | None) -> None:
        written = 0
        for block in iter(lambda: source.read(_CHUNK), b""):
            written += len(block)
            if declared is not None and written > declared:
                raise ArchiveTooLargeError(f"{self.archive}: {name!r} holds more than the "
                                           f"{declared} bytes its header declares")
            if len(block) > self.left:
                raise ArchiveTooLargeError(f"{self.archive}: expands to more than "
                                           f"max_bytes={self.max_bytes} bytes")
            self.left -= len(block)
            sink.write(block)


def _tar_sizes(members: list[tarfile.TarInfo]) -> list[int | None]:
    """Bytes each member writes: a hard link writes a copy of the file it names.

    None for a hard link whose target is not an earlier member: its bytes are still counted
    against ``max_bytes`` while it is copied.
    """
    by_name: dict[str, int] = {}
    sizes: list[int | None] = []
    for member in members:
        if member.islnk():
            size = by_name.get(PurePosixPath(member.linkname).as_posix())
        else:
            size = member.size if member.isfile() else 0
        by_name[PurePosixPath(member.name).as_posix()] = size or 0
        sizes.append(size)
    return sizes


def safe_extract(archive, target, *, max_bytes: int = MAX_TOTAL_BYTES,
                 max_members: int = MAX_MEMBERS) -> list[Path]:
    """Extract a tar (plain or compressed) or zip archive into ``target``, safely.

    Parameters
    ----------
    archive : path-like
    target : path-like
        Created if missing. Every member must land inside it.
    max_bytes : int, default :data:`MAX_TOTAL_BYTES`
        Most bytes the extracted files may hold in all.
    max_members : int, default :data:`MAX_MEMBERS`
        Most members (files, folders, links) the archive may have.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    UnsafeArchiveError
        Before anything is written, when any member has an absolute path, a ``..`` that
        leaves ``target``, goes through a symlink out of ``target``, is a link (symbolic, or
        a hard link to outside), or is a device, FIFO or other special file.
    ArchiveTooLargeError
        Before anything is written, when the archive has more than ``max_members`` members
        or its headers declare more than ``max_bytes``; while writing, when a member holds
        more than its header declares or the files written exceed ``max_bytes`` (the files
        written so far are then removed).
    ValueError
        When the file is neither a tar nor a zip archive.
    """
    archive = Path(archive)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    target = target.resolve()
    budget = _Budget(archive, max_bytes)
    written: list[Path] = []
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as handle:
                members = _check_zip(handle, target)
                _check_totals(archive, [m.file_size for m in members], max_bytes=max_bytes,
                              max_members=max_members)
                for member in members:
                    destination = _inside(target, member.filename)
                    if member.is_dir():
                        destination.mkdir(parents=True, exist_ok=True)
                        continue
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    written.append(destination)
                    with handle.open(member) as source, open(destination, "wb") as sink:
                        budget.copy(source, sink, name=member.filename,
                                    declared=member.file_size)
            return written
        try:
            handle = tarfile.open(archive)
        except tarfile.TarError as err:
            raise ValueError(f"{archive}: not a tar or zip archive ({err})") from err
        with handle:
            members = _check_tar(handle, target, max_members)
            sizes = _tar_sizes(members)
            _check_totals(archive, [size or 0 for size in sizes], max_bytes=max_bytes,
                          max_members=max_members)
            for member, size in zip(members, sizes, strict=True):
                destination = _inside(target, member.name)
                if member.isdir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                written.append(destination)
                if member.islnk():
                    # a copy of a file already written, counted like any other bytes
                    with (open(_inside(target, member.linkname), "rb") as source,
                          open(destination, "wb") as sink):
                        budget.copy(source, sink, name=member.name, declared=size)
                else:
                    source = handle.extractfile(member)
                    with source, open(destination, "wb") as sink:
                        budget.copy(source, sink, name=member.name, declared=size)
                # Permissions from the archive are not applied: no setuid or world-writable
                # files from a download.
                os.chmod(destination, 0o644)
        return written
    except Exception:
        for path in written:  # an archive stopped half way must not leave its output behind
            path.unlink(missing_ok=True)
        raise
