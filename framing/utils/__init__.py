"""Utilities for developers of scorers: the common checks every scorer must pass."""

from ._checks import CHECK_TEXTS, check_scorer

__all__ = ["CHECK_TEXTS", "check_scorer"]
