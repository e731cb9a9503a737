"""Model cards: what a trained model was trained on, how, how well, and for what.

:func:`write_model_card` writes ``models/<name>/MODEL_CARD.md`` (data and its checksum,
the training command, metrics per split, intended use, limits), following Mitchell et al.
(2019), "Model Cards for Model Reporting". :func:`data_checksum` fingerprints the exact
training texts and labels, so a card names the data a reader can rebuild.
"""

from __future__ import annotations

import hashlib
import platform
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..io import atomic_write

__all__ = ["data_checksum", "write_model_card"]


def data_checksum(texts, labels) -> str:
    """sha256 over the (text, label) pairs in order, separated by NUL bytes.

    Examples
    --------
    >>> data_checksum(["a"], ["x"]) == data_checksum(["a"], ["x"])
    True
    >>> data_checksum(["a"], ["x"]) == data_checksum(["a"], ["y"])
    False
    """
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(str(text).encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(str(label).encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


def _markdown_table(frame: pd.DataFrame) -> str:
    columns = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_model_card(folder, *, name: str, summary: str, data: str, checksum: str,
                     command: str, metrics: pd.DataFrame, weights: str,
                     intended_use: str, limits: str, training: str = "",
                     device: str = "") -> Path:
    """Write ``MODEL_CARD.md`` in ``folder`` and return its path.

    Parameters
    ----------
    folder : path-like
        Usually ``models/<name>`` in the repository.
    name, summary : str
        The model's name and a one-paragraph description.
    data : str
        The training data: dataset, version, filters, size, label counts.
    checksum : str
        :func:`data_checksum` of the training texts and labels.
    command : str
        The command that trains the model and writes this card.
    metrics : DataFrame
        Metrics per split (one row per split and metric).
    weights : str
        Where the weights are (data home path, format).
    intended_use, limits : str
    training : str, optional
        Training settings and time.
    device : str, optional
        The device the model was trained on (``TransformerClassifier.device_``, e.g.
        ``"cuda"`` or ``"cpu"``), written under Training; times depend on it.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    trained_on = f"\nTrained on: `{device}`\n" if device else ""
    text = f"""# {name}

{summary}

## Data

{data}

Checksum (sha256 over the ordered text/label pairs, `framing.models._card.data_checksum`):
`{checksum}`

## Training

Command (from the repository root):

```
{command}
```

{training}
{trained_on}
Weights: {weights}

## Metrics

{_markdown_table(metrics)}

## Intended use

{intended_use}

## Limits

{limits}

---
Written by the training script on {stamp} (Python {platform.python_version()}).
"""
    path = folder / "MODEL_CARD.md"
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
