"""Sentence embeddings kept on disk, so a sentence is encoded once per model, ever.

Encoding is the slow part of every embedding method (MiniLM on a CPU manages a few hundred
sentences a second), and the same sentences are encoded again by every run of an
experiment, every fold and every seed. :class:`framing.features.SentenceEncoder` therefore
looks each sentence up here first and runs the model only on the ones missing; when every
sentence is found, the model is not loaded at all (torch is not even imported).

Where
    ``<data home>/embeddings/embeddings.sqlite3`` (see
    :func:`framing._config.get_data_home`; ``FRAMING_DATA_HOME`` moves it).
Keys
    A vector is stored under its *model key* and the sha256 of the sentence's text (UTF-8).
    The model key is the sha256 of the model's identity: the resolved folder or Hugging Face
    id, the pinned revision (for an id) or else a digest of the folder's weights, tokenizer
    and configuration files, the pooling, ``max_length``, the stored dtype and, when it is
    not float32, the compute precision (float16 mixed precision on CUDA differs from the
    CPU's float32 in the third decimal, bfloat16 likewise). Changing any of them (other
    weights, a longer ``max_length``) starts a separate set of vectors; nothing stale is
    ever returned. The batch size and the device name are not part of the key: they change
    nothing but the last float32 bits.
Storage: SQLite in WAL mode
    Chosen over append-only files of vectors because a lookup must not read the whole
    cache: the table's primary key (model, text hash) is an index, so looking up a batch of
    sentences reads those rows only, and memory stays bounded however large the cache grows.
    In WAL mode readers never wait for a writer, and each write is one transaction, so two
    processes encoding at once (parallel experiments, joblib workers) both succeed: one
    waits for the other's short transaction (up to :data:`BUSY_TIMEOUT_S`), and a process
    killed mid-write leaves either all of a transaction or none of it. WAL needs a local
    file system (not NFS): where the data home is on a network drive, turn the cache off
    or point ``FRAMING_DATA_HOME`` at a local folder.
Verification
    Every row carries a checksum (BLAKE2b over the model key, the text hash and the vector
    bytes), checked on every read: a row that fails, or has the wrong length, is reported
    in a warning and recomputed, never used. A file SQLite cannot read (truncated,
    overwritten) is moved aside (``*.damaged-<time>-<pid>-<random>``) with a warning, and
    a new cache is started.
Turning it off
    ``cache=False`` on :class:`~framing.features.SentenceEncoder`,
    :func:`~framing.features.get_encoder` or :class:`framing.models.TextEmbedder`, or the
    environment variable ``FRAMING_EMBEDDING_CACHE=0`` (also ``false``, ``no``, ``off``).

:func:`embedding_cache_info` describes the cache (path, size, vectors per model) and
:func:`clear_embedding_cache_on_disk` empties it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["BUSY_TIMEOUT_S", "ENV_VARIABLE", "EmbeddingCache", "EmbeddingCacheWarning",
           "cache_enabled", "clear_embedding_cache_on_disk", "embedding_cache_info",
           "model_identity", "model_key", "text_keys"]

#: Environment variable that turns the cache off when set to 0, false, no or off.
ENV_VARIABLE = "FRAMING_EMBEDDING_CACHE"
FOLDER = "embeddings"
FILE_NAME = "embeddings.sqlite3"
#: Seconds a writer waits for another process's transaction before giving up (the vectors
#: are then returned but not stored, with a warning).
BUSY_TIMEOUT_S = 60.0
#: Keys per SELECT: SQLite bounds the parameters of one statement.
LOOKUP_CHUNK = 500
#: Dtype of the stored vectors (part of the key: another dtype is another set of vectors).
DTYPE = np.dtype("<f4")
_OFF = {"0", "false", "no", "off"}
#: Files of a model folder that decide its embeddings: weights, tokenizer, configuration.
_MODEL_SUFFIXES = (".safetensors", ".json", ".txt", ".model")
#: framing's own marker beside a verified encoder: not part of the model.
_NOT_MODEL_FILES = {"framing_encoder.json"}
# SQLite's result codes for a file that is not (or no longer) a readable database.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26

_SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    id INTEGER PRIMARY KEY,
    model_key TEXT NOT NULL UNIQUE,
    identity TEXT NOT NULL,
    dimension INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    model_id INTEGER NOT NULL,
    text_sha256 BLOB NOT NULL,
    vector BLOB NOT NULL,
    checksum BLOB NOT NULL,
    PRIMARY KEY (model_id, text_sha256)
) WITHOUT ROWID;
"""


class EmbeddingCacheWarning(UserWarning):
    """The disk cache of embeddings could not be used as it is (damaged, locked)."""


def cache_enabled(cache: bool = True) -> bool:
    """Whether to use the disk cache: ``cache`` and not turned off by the environment.

    Examples
    --------
    >>> cache_enabled(False)
    False
    """
    return bool(cache) and os.environ.get(ENV_VARIABLE, "").strip().lower() not in _OFF


def cache_path(data_home=None) -> Path:
    """The cache's SQLite file (its folder is created, the file is not)."""
    from .._config import get_data_home

    folder = get_data_home(data_home) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder / FILE_NAME


def text_keys(texts: Sequence[str]) -> list[bytes]:
    """sha256 of each text's UTF-8 bytes (lone surrogates kept, so any str has a key).

    Examples
    --------
    >>> text_keys(["abc"])[0].hex()[:16]
    'ba7816bf8f01cfea'
    """
    return [hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest() for text in texts]


#: Digests of model folders already read in this process, by the files' (name, size,
#: modification time): a scorer resolves its encoder on every call.
_FOLDER_DIGESTS: dict[tuple, str] = {}


def _folder_digest(folder: Path) -> str:
    """sha256 over the names and contents of the files that decide a model's output."""
    files = sorted(p for p in folder.iterdir() if p.is_file()
                   and p.name.endswith(_MODEL_SUFFIXES) and p.name not in _NOT_MODEL_FILES)
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    memo_key = (str(folder), stamp)
    if memo_key not in _FOLDER_DIGESTS:
        digest = hashlib.sha256()
        for path in files:
            content = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    content.update(block)
            digest.update(f"{path.name}\0{content.hexdigest()}\n".encode())
        _FOLDER_DIGESTS[memo_key] = digest.hexdigest()
    return _FOLDER_DIGESTS[memo_key]


def model_identity(source: str, revision: str | None, *, pooling: str,
                   max_length: int, precision: str = "float32") -> dict:
    """What decides a model's embeddings, as a JSON-ready dict (see the module docstring).

    Parameters
    ----------
    source : str
        A resolved local folder or a Hugging Face model id
        (:func:`framing._pretrained.resolve_encoder`).
    revision : str or None
        The pinned commit of a model id; for a folder, None (its files are hashed).
    pooling : str
        How token states become a sentence vector.
    max_length : int
        Tokens kept per sentence.
    precision : str, default "float32"
        Compute type of the forward passes (``"float16"`` under CUDA autocast,
        ``"bfloat16"``; see :func:`framing._device.compute_precision`). Recorded only when
        not float32, so the keys of float32 vectors stay those of caches written before
        the precision was part of the identity.
    """
    folder = Path(source)
    weights = None if revision or not folder.is_dir() else _folder_digest(folder)
    identity = {"source": str(source), "revision": revision, "files_sha256": weights,
                "pooling": pooling, "max_length": int(max_length), "dtype": DTYPE.str}
    if precision != "float32":
        identity["precision"] = str(precision)
    return identity


def model_key(identity: dict) -> str:
    """sha256 of an identity's canonical JSON.

    Examples
    --------
    >>> a = model_key({"source": "m", "max_length": 128})
    >>> a == model_key({"max_length": 128, "source": "m"}), a == model_key({"source": "m"})
    (True, False)
    """
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _checksum(key: str, text_sha256: bytes, vector: bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in (key.encode(), text_sha256, vector):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether an error says the file is not a readable database (rather than busy)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    message = str(error).lower()
    return "malformed" in message or "not a database" in message


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection):
    """One write transaction: committed whole, or rolled back whole.

    ``BEGIN IMMEDIATE`` takes the write lock at once, so a concurrent writer waits here
    (up to the busy timeout) instead of failing halfway through.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _warn(message: str) -> None:
    from .._warnings import warn_at_caller

    warn_at_caller(message, EmbeddingCacheWarning)


class EmbeddingCache:
    """The vectors of one cache file, looked up and stored by (model identity, text hash).

    Every call opens its own connection and closes it: a cache object is cheap, safe to
    use from several threads and processes, and survives ``fork``.

    Parameters
    ----------
    path : path-like
        The SQLite file (created on first use).
    """

    def __init__(self, path):
        self.path = Path(path)

    @classmethod
    def default(cls, data_home=None) -> EmbeddingCache:
        """The cache in the data home."""
        return cls(cache_path(data_home))

    # -- connections -----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S,
                                     isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives a crash of the process, which is all a cache needs.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
        except BaseException:
            connection.close()
            raise
        return connection

    def _quarantine(self, error: Exception) -> None:
        """Move a damaged file (and its WAL and shared-memory files) aside, with a warning."""
        stamp = f"damaged-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        moved = None
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            target = source.with_name(f"{source.name}.{stamp}")
            try:
                os.replace(source, target)
            except OSError:  # absent, or another process moved it first
                continue
            moved = moved or target
        where = f"; moved to {moved}" if moved else ""
        _warn(f"the embedding cache {self.path} cannot be read ({error}){where}. Its vectors "
              "are not used; they will be recomputed and a new cache started.")

    def _run(self, work, *, default):
        """``work(connection)``; a damaged file is quarantined and the work tried once more.

        A cache that stays unusable (locked past the timeout, a read-only folder) gives
        ``default`` with a warning: the cache must never make encoding fail.
        """
        for attempt in range(2):
            try:
                connection = self._connect()
            except sqlite3.DatabaseError as error:
                if attempt == 0 and _is_damage(error):
                    self._quarantine(error)
                    continue
                _warn(f"the embedding cache {self.path} is not usable now ({error}); "
                      "continuing without it")
                return default
            try:
                return work(connection)
            except sqlite3.DatabaseError as error:
                if attempt == 0 and _is_damage(error):
                    connection.close()
                    self._quarantine(error)
                    continue
                _warn(f"the embedding cache {self.path} is not usable now ({error}); "
                      "continuing without it")
                return default
            finally:
                connection.close()
        return default

    @staticmethod
    def _model_row(connection, key: str) -> tuple[int, int] | None:
        return connection.execute("SELECT id, dimension FROM models WHERE model_key = ?",
                                  (key,)).fetchone()

    # -- reading ---------------------------------------------------------------------------
    def dimension(self, identity: dict) -> int | None:
        """Length of the model's vectors, if any were stored; else None."""
        key = model_key(identity)

        def work(connection):
            row = self._model_row(connection, key)
            return None if row is None else int(row[1])

        return self._run(work, default=None)

    def lookup(self, identity: dict, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The verified vectors stored for ``keys`` (text hashes) under ``identity``.

        Keys not stored, and rows that fail verification (reported in one warning), are
        absent from the result. Rows are read :data:`LOOKUP_CHUNK` keys at a time.
        """
        key = model_key(identity)
        wanted = list(dict.fromkeys(keys))

        def work(connection):
            model = self._model_row(connection, key)
            if model is None or not wanted:
                return {}
            model_id, dimension = model
            found, damaged = {}, 0
            for begin in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[begin:begin + LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT text_sha256, vector, checksum FROM vectors WHERE model_id = ? "
                    f"AND text_sha256 IN ({marks})", (model_id, *chunk))
                for text_sha256, vector, checksum in rows:
                    if (len(vector) != dimension * DTYPE.itemsize
                            or _checksum(key, text_sha256, vector) != checksum):
                        damaged += 1
                        continue
                    found[bytes(text_sha256)] = np.frombuffer(vector, dtype=DTYPE)
            if damaged:
                _warn(f"{damaged} embedding(s) in the cache {self.path} failed verification "
                      "(damaged on disk); they are recomputed and replaced")
            return found

        return self._run(work, default={})

    # -- writing ---------------------------------------------------------------------------
    def store(self, identity: dict, keys: Sequence[bytes], vectors: np.ndarray) -> bool:
        """Store ``vectors`` (one row per key) under ``identity``, in one transaction.

        Returns
        -------
        bool
            Whether they were stored (False, with a warning, when the cache is unusable).
        """
        vectors = np.ascontiguousarray(vectors, dtype=DTYPE)
        if vectors.ndim != 2 or len(vectors) != len(keys):
            raise ValueError(f"expected one vector per key, got {vectors.shape} for "
                             f"{len(keys)} keys")
        key = model_key(identity)
        dimension = int(vectors.shape[1])

        def work(connection):
            with _transaction(connection):
                connection.execute(
                    "INSERT OR IGNORE INTO models (model_key, identity, dimension) "
                    "VALUES (?, ?, ?)", (key, json.dumps(identity, sort_keys=True), dimension))
                model_id, stored_dimension = self._model_row(connection, key)
                if stored_dimension != dimension:
                    raise ValueError(f"vectors of length {dimension} for a model stored "
                                     f"with length {stored_dimension}")
                rows = []
                for text_sha256, vector in zip(keys, vectors, strict=True):
                    blob = vector.tobytes()
                    rows.append((model_id, text_sha256, blob,
                                 _checksum(key, text_sha256, blob)))
                # REPLACE: a damaged row found by lookup is overwritten by its new vector.
                connection.executemany(
                    "INSERT OR REPLACE INTO vectors (model_id, text_sha256, vector, checksum)"
                    " VALUES (?, ?, ?, ?)", rows)
            return True

        if not len(keys):
            return True
        return self._run(work, default=False)

    # -- the whole cache -------------------------------------------------------------------
    def info(self) -> dict:
        """See :func:`embedding_cache_info`."""
        files = [Path(f"{self.path}{suffix}") for suffix in ("", "-wal", "-shm")]
        size = sum(p.stat().st_size for p in files if p.is_file())
        models: list[dict] = []
        if self.path.is_file():
            def work(connection):
                rows = connection.execute(
                    "SELECT m.model_key, m.identity, m.dimension, COUNT(v.model_id) "
                    "FROM models m LEFT JOIN vectors v ON v.model_id = m.id "
                    "GROUP BY m.id ORDER BY m.id").fetchall()
                return [{"model_key": k, **json.loads(identity), "dimension": dimension,
                         "entries": entries} for k, identity, dimension, entries in rows]

            models = self._run(work, default=[])
        return {"path": str(self.path), "size_bytes": size,
                "entries": sum(m["entries"] for m in models), "models": models}

    def clear(self) -> int:
        """See :func:`clear_embedding_cache_on_disk`."""
        if not self.path.is_file():
            return 0

        def work(connection):
            with _transaction(connection):
                removed = connection.execute("DELETE FROM vectors").rowcount
                connection.execute("DELETE FROM models")
            # Give the space back to the file system; while another process reads the
            # cache this cannot run, and the space is reused by later vectors instead.
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("VACUUM")
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return removed

        return self._run(work, default=0)


def embedding_cache_info(data_home=None) -> dict:
    """Where the embedding cache is, how big it is and what it holds.

    Parameters
    ----------
    data_home : path-like, optional
        See :func:`framing._config.get_data_home`.

    Returns
    -------
    dict
        ``path`` (the SQLite file), ``size_bytes`` (with its WAL files), ``entries``
        (vectors in all), ``enabled`` (False when ``FRAMING_EMBEDDING_CACHE`` turns it
        off) and ``models``: one dict per model with ``entries``, ``dimension``,
        ``model_key`` and the identity that keys it (``source``, ``revision``,
        ``files_sha256``, ``pooling``, ``max_length``, ``dtype``, and ``precision``
        where it is not float32).

    Examples
    --------
    >>> info = embedding_cache_info()
    >>> sorted(info)
    ['enabled', 'entries', 'models', 'path', 'size_bytes']
    """
    return {**EmbeddingCache.default(data_home).info(), "enabled": cache_enabled()}


def clear_embedding_cache_on_disk(data_home=None) -> int:
    """Delete every vector of the embedding cache; return how many were deleted.

    Safe while other processes use the cache: it is emptied in one transaction (they
    recompute what they need). The in-memory cache of :class:`framing.models.TextEmbedder`
    is separate: :func:`framing.models.clear_embedding_cache` empties it.

    Parameters
    ----------
    data_home : path-like, optional

    Examples
    --------
    >>> clear_embedding_cache_on_disk() >= 0
    True
    """
    return EmbeddingCache.default(data_home).clear()
