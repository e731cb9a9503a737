"""Unpacking archives from outside without letting them write outside their folder.

A tar or zip file names its members' paths itself: ``../../.bashrc``, ``/etc/passwd``, a
symlink to ``/`` followed by a file "inside" it, or a device file. :func:`safe_extract`
checks every member before writing anything and refuses the whole archive if one member
would land outside the target folder, so a hostile archive leaves no partial trace.

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
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["UnsafeArchiveError", "safe_extract"]


class UnsafeArchiveError(ValueError):
    """An archive member would be written outside the target folder, or is not a file."""


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


def _check_tar(tar: tarfile.TarFile, target: Path) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for member in members:
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


def safe_extract(archive, target) -> list[Path]:
    """Extract a tar (plain or compressed) or zip archive into ``target``, safely.

    Parameters
    ----------
    archive : path-like
    target : path-like
        Created if missing. Every member must land inside it.

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
    ValueError
        When the file is neither a tar nor a zip archive.
    """
    archive = Path(archive)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    target = target.resolve()
    written = []
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as handle:
            for member in _check_zip(handle, target):
                destination = _inside(target, member.filename)
                if member.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with handle.open(member) as source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                written.append(destination)
        return written
    try:
        handle = tarfile.open(archive)
    except tarfile.TarError as err:
        raise ValueError(f"{archive}: not a tar or zip archive ({err})") from err
    with handle:
        members = _check_tar(handle, target)
        for member in members:
            destination = _inside(target, member.name)
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            if member.islnk():
                shutil.copyfile(_inside(target, member.linkname), destination)
            else:
                source = handle.extractfile(member)
                with source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink)
            # Permissions from the archive are not applied: no setuid or world-writable
            # files from a download.
            os.chmod(destination, 0o644)
            written.append(destination)
    return written
