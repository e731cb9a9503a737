"""framing's default models: one folder each, with a model card and a training recipe.

``models/<name>/recipe.toml`` says what the model is trained on and how (read by
``framing models train`` and ``python -m models train``); ``models/<name>/card.md.in`` is
its card with placeholders for numbers, which ``python -m models cards`` fills from
``experiments/results/`` into ``models/<name>/CARD.md``. See ``models/README.md``.

:func:`load_trained` loads a folder written by the training command.
"""

from __future__ import annotations

from framing.cli.models import load_trained

__all__ = ["load_trained"]
