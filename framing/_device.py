"""Where torch computes: ``device="auto"`` and its resolution, shared by every torch user.

The sentence encoder, :class:`framing.models.TransformerClassifier`,
:class:`framing.models.TextEmbedder` and the embedding method of
:class:`framing.features.FrameScorer` take a ``device`` parameter: ``"auto"`` (the default)
uses CUDA where torch sees a GPU and the CPU elsewhere; ``"cpu"``, ``"cuda"`` and
``"cuda:N"`` ask for one explicitly. On CUDA the forward passes run in float16 mixed
precision (:data:`CUDA_PRECISION`); on the CPU they stay float32 unless a model's own
``precision`` parameter says otherwise.
"""

from __future__ import annotations

import re

__all__ = ["CUDA_PRECISION", "DEVICES", "check_device", "compute_precision", "resolve_device"]

#: The accepted values of a ``device`` parameter, as named in errors.
DEVICES = ("auto", "cpu", "cuda", "cuda:N")
#: Compute type of forward passes on a CUDA device (autocast; weights stay float32).
CUDA_PRECISION = "float16"
_PATTERN = re.compile(r"auto|cpu|cuda(:\d+)?")


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


def compute_precision(device: str) -> str:
    """Compute type of an encoder's forward passes on a resolved ``device``.

    Examples
    --------
    >>> compute_precision("cpu"), compute_precision("cuda:0")
    ('float32', 'float16')
    """
    return CUDA_PRECISION if device.startswith("cuda") else "float32"
