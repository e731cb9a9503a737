"""Where torch computes: ``device="auto"`` and its resolution, shared by every torch user.

The sentence encoder, :class:`framing.models.TransformerClassifier`,
:class:`framing.models.TextEmbedder` and the embedding method of
:class:`framing.features.FrameScorer` take a ``device`` parameter: ``"auto"`` (the default)
uses CUDA where torch sees a GPU and the CPU elsewhere; ``"cpu"``, ``"cuda"`` and
``"cuda:N"`` ask for one explicitly. On CUDA the forward passes run in float16 mixed
precision (:data:`CUDA_PRECISION`); on the CPU they stay float32 unless a model's own
``precision`` parameter says otherwise.

The sentence encoder's ``precision`` (:data:`PRECISIONS`) is resolved here too, by
:func:`compute_precision`: ``"auto"`` is float16 mixed precision on CUDA, bfloat16 on a CPU
with bfloat16 matrix tiles (Intel AMX, :func:`amx_bfloat16`), and float32 on any other CPU.
Without AMX, bfloat16 inference is slower than float32 on the CPU, even where AVX512-BF16
instructions exist (measured in ``benchmarks/README.md``).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["CUDA_PRECISION", "DEVICES", "PRECISIONS", "amx_bfloat16", "check_device",
           "check_precision", "compute_precision", "resolve_device"]

#: The accepted values of a ``device`` parameter, as named in errors.
DEVICES = ("auto", "cpu", "cuda", "cuda:N")
#: Compute type of forward passes on a CUDA device (autocast; weights stay float32).
CUDA_PRECISION = "float16"
_PATTERN = re.compile(r"auto|cpu|cuda(:\d+)?")
#: The accepted values of the sentence encoder's ``precision`` parameter.
PRECISIONS = ("auto", "float32", "bfloat16")
#: The CPU flag (as Linux names it in /proc/cpuinfo) of AMX's bfloat16 tile instructions.
_AMX_BF16_FLAG = "amx_bf16"


def check_device(device) -> str:
    """``device`` as a normalised string, checked for form only (torch is not imported).

    Raises
    ------
    ValueError
        When ``device`` is none of :data:`DEVICES`.

    Examples
    --------
    >>> check_device(" CUDA:1 ")
    'cuda:1'
    """
    text = str(device).strip().lower() if isinstance(device, str) else None
    if text is None or not _PATTERN.fullmatch(text):
        raise ValueError(f"device must be one of {', '.join(DEVICES)} (N a GPU index), "
                         f"got {device!r}")
    return text


def resolve_device(device="auto") -> str:
    """The torch device to compute on: ``"auto"`` becomes ``"cuda"`` or ``"cpu"``.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "cuda:N"}, default "auto"
        ``"auto"``: ``"cuda"`` when :func:`torch.cuda.is_available`, else ``"cpu"``.

    Returns
    -------
    str
        A device string torch accepts (``"cpu"``, ``"cuda"`` or ``"cuda:N"``).

    Raises
    ------
    ValueError
        For a value that is not a device, or CUDA asked for where torch has none (a
        CPU-only torch build, or no GPU or driver), or a GPU index that does not exist.

    Examples
    --------
    >>> resolve_device("cpu")
    'cpu'
    """
    text = check_device(device)
    if text == "cpu":
        return text
    import torch

    available = torch.cuda.is_available()
    if text == "auto":
        return "cuda" if available else "cpu"
    if not available:
        raise ValueError(f"device={device!r}: torch sees no CUDA device here (a CPU-only "
                         "torch build, or no GPU or driver); use device='cpu' or 'auto'")
    index = int(text.partition(":")[2] or 0)
    count = torch.cuda.device_count()
    if index >= count:
        raise ValueError(f"device={device!r}: there is no GPU {index} (torch sees {count})")
    return text


def check_precision(precision) -> str:
    """``precision`` as a normalised string, checked (torch is not imported).

    Raises
    ------
    ValueError
        When ``precision`` is none of :data:`PRECISIONS`.

    Examples
    --------
    >>> check_precision(" BFloat16 ")
    'bfloat16'
    """
    text = precision.strip().lower() if isinstance(precision, str) else None
    if text not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got "
                         f"{precision!r}")
    return text


def _cpu_flags() -> frozenset | None:
    """The CPU's feature flags from /proc/cpuinfo (Linux), or None where unreadable."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                # "flags" on x86; other processors have no AMX, and no such line.
                name, _, value = line.partition(":")
                if name.strip() == "flags":
                    return frozenset(value.split())
    except OSError:
        return None
    return frozenset()


@lru_cache(maxsize=1)
def amx_bfloat16() -> bool:
    """Whether this CPU has AMX bfloat16 tiles, which make bfloat16 inference fast.

    AVX512-BF16 alone is not enough: with it, but without AMX, a bfloat16 forward pass of
    the sentence encoder was slower than a float32 one. Read from ``/proc/cpuinfo`` where
    it exists, so that the answer needs no torch (the sentence encoder asks before
    deciding whether to load the model at all); elsewhere from torch's own probe.

    Examples
    --------
    >>> amx_bfloat16() in (True, False)
    True
    """
    flags = _cpu_flags()
    if flags is not None:
        return _AMX_BF16_FLAG in flags
    try:
        import torch
    except ImportError:
        return False
    return bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())


def compute_precision(device: str, precision: str = "auto") -> str:
    """Compute type of a sentence encoder's forward passes on a resolved ``device``.

    Parameters
    ----------
    device : str
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"`` (see :func:`resolve_device`).
    precision : {"auto", "float32", "bfloat16"}, default "auto"
        ``"auto"`` is :data:`CUDA_PRECISION` (float16 mixed precision) on CUDA; on the CPU
        bfloat16 where :func:`amx_bfloat16`, else float32. The other values are
        returned as they are, on any device.

    Returns
    -------
    {"float32", "bfloat16", "float16"}

    Examples
    --------
    >>> compute_precision("cpu", "float32"), compute_precision("cuda:0")
    ('float32', 'float16')
    """
    precision = check_precision(precision)
    if precision != "auto":
        return precision
    if device.startswith("cuda"):
        return CUDA_PRECISION
    return "bfloat16" if amx_bfloat16() else "float32"
