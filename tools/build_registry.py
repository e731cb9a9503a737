"""Build ``framing/_fetch/registry.csv`` from a mirror's ``MANIFEST.csv``.

The registry pins every upstream file framing fetches to a commit and a sha256. It was built
from the manifest of the project's verified mirror, which lists byte-identical copies of the
upstream files; rerun this script only when a dataset is added or re-pinned, and review the
diff.

Usage::

    python tools/build_registry.py ../shared/data/mirror/MANIFEST.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

#: Which file group (fetcher family) each upstream repository belongs to.
GROUPS = {
    "ramybaly/Article-Bias-Prediction": "allsides",
    "Media-Bias-Group/Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE": "babe",
    "rpryzant/neutralizing-bias": "recasens",
    "cindithompson/semeval": "mpqa",
    "medianeuroscience/emfdscore": "moral_foundations",
    "launchnlp/BASIL": "basil",
    "phenixace/narrative-framing": "narrative_frames",
    "arajshah/NLP_headline_body_sentiment": "gvfc",
    "fhamborg/NewsWCL50": "newswcl50",
    "dallascard/media_frames_corpus": "mfc_codes",
    "favstats/AllSideR": "allsides_ratings_2019",
    "LMeynent/allsides-scraper": "allsides_ratings_2022",
    "idiap/Factual-Reporting-and-Political-Bias-Web-Interactions": "mbfc",
    "adbar/trafilatura": "news_html_fixtures",
}
FIELDS = ["group", "owner", "repo", "commit", "path", "bytes", "sha256"]


def main(manifest: str, out: str = "framing/_fetch/registry.csv") -> None:
    with open(manifest, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unknown = {f"{r['owner']}/{r['repo']}" for r in rows} - set(GROUPS)
    if unknown:
        raise SystemExit(f"no group for {sorted(unknown)}: add them to GROUPS")
    for row in rows:
        row["group"] = GROUPS[f"{row['owner']}/{row['repo']}"]
    rows.sort(key=lambda r: (r["group"], r["owner"], r["repo"], r["commit"], r["path"]))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: r[k] for k in FIELDS} for r in rows)
    print(f"wrote {len(rows)} entries to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
