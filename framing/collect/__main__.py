"""``python -m framing.collect RECIPE --out corpus.parquet`` (same as ``framing collect``)."""

import sys

from framing.cli.collect import main

sys.exit(main())
