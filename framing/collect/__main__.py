"""``python -m framing.collect RECIPE --out corpus.parquet`` (same as ``framing collect``)."""

import sys

from .cli import main

sys.exit(main())
