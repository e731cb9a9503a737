"""The README's first example ("Your own corpus in ten lines") runs as written.

The Python block and the ``framing report`` command are taken from README.md and run in a
temporary folder holding ``my_corpus/``, a small CSV export with the column names the
example maps.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys

import pytest

from .conftest import REPO_ROOT

SECTION = "## Your own corpus in ten lines"

# Short, hand-written stories in the style of a news export: two outlets rated left, two
# rated right, three stories each, on sanctuary policy.
ROWS = [
    ("Daily Ledger", "left", "2019-02-04", "City keeps sanctuary policy after court fight",
     "The city council voted on Monday to keep its sanctuary policy, which limits how "
     "local police cooperate with federal immigration agents. Advocates said the vote "
     "protects undocumented families. The mayor said the rule has been in place for years."),
    ("Daily Ledger", "left", "2019-03-11", "Families wait as detainer requests rise",
     "Immigrant families in the county said they fear routine traffic stops. Lawyers "
     "reported that detainer requests from ICE have doubled. A county official said "
     "the jail will not hold anyone without a judicial warrant."),
    ("Daily Ledger", "left", "2019-05-20", "State law shields schools and hospitals",
     "A new state law bars immigration arrests at schools and hospitals. Supporters called "
     "it a humane step for undocumented immigrants. Opponents said it goes too far."),
    ("Harbor Times", "left", "2019-02-18", "Advocates rally for the Values Act",
     "Hundreds rallied at the capitol in support of the California Values Act. Speakers "
     "said undocumented workers are part of the community. Police chiefs were divided."),
    ("Harbor Times", "left", "2019-04-02", "Sheriff explains new jail policy",
     "The sheriff said the jail will notify ICE only about people convicted of serious "
     "crimes. Immigrant rights groups welcomed the change but asked for more."),
    ("Harbor Times", "left", "2019-06-09", "Study finds no crime rise in sanctuary counties",
     "Researchers compared crime rates in sanctuary counties with other counties and "
     "found no rise. The authors said trust in police matters for public safety."),
    ("Frontier Post", "right", "2019-02-07", "Sanctuary city releases illegal alien again",
     "Officials in the sanctuary city released an illegal alien despite an ICE detainer. "
     "Critics said the lawless policy puts residents at risk. The man had prior arrests."),
    ("Frontier Post", "right", "2019-03-25", "Lawmakers move to cut funds to sanctuary cities",
     "Lawmakers introduced a bill to cut federal grants to sanctuary cities that refuse "
     "to honor detainers. Sponsors said the law must be enforced. Mayors objected."),
    ("Frontier Post", "right", "2019-05-14", "Border agents warn of record crossings",
     "Border agents said illegal crossings reached a record in May. Officials blamed "
     "amnesty talk and sanctuary policies for the surge of illegal immigrants."),
    ("Liberty Daily", "right", "2019-02-21", "Sheriffs push back on state sanctuary law",
     "Several sheriffs said the state sanctuary law ties their hands. One sheriff said "
     "criminal aliens are released back onto the streets every week."),
    ("Liberty Daily", "right", "2019-04-16", "Victim's family sues sanctuary county",
     "The family of a crime victim sued the county, saying its sanctuary policy let an "
     "illegal immigrant go free. The county declined to comment on the lawsuit."),
    ("Liberty Daily", "right", "2019-06-03", "Poll: voters back ICE cooperation",
     "A new poll found most voters back cooperation between local jails and ICE. The "
     "pollster said concern about illegal immigration is high among independents."),
]


def readme_example() -> tuple[str, list[str]]:
    """The section's Python block and its ``framing ...`` command lines."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme, f"README.md lacks the section {SECTION!r}"
    section = re.split(r"\n## ", readme.split(SECTION, 1)[1], maxsplit=1)[0]
    python = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    shell = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    assert len(python) == 1 and len(shell) == 1, "one python and one bash block expected"
    commands = [line.strip() for line in shell[0].replace("\\\n", " ").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    return python[0], commands


def test_the_example_is_ten_lines_or_so():
    code, commands = readme_example()
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) + len(commands) <= 12
    for name in ("load_articles", "extract_features", "outlet_scores",
                 "plot_outlet_scores"):
        assert name in code
    assert commands and all(c.startswith("framing report ") for c in commands)


@pytest.fixture
def corpus_folder(tmp_path):
    folder = tmp_path / "my_corpus"
    folder.mkdir()
    with open(folder / "export.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "lean", "published", "headline", "body"])
        writer.writerows(ROWS)
    return tmp_path


@pytest.mark.slow
def test_readme_example_runs_on_a_csv_export(corpus_folder, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    code, commands = readme_example()
    monkeypatch.chdir(corpus_folder)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    articles, scores = namespace["articles"], namespace["scores"]
    assert len(articles) == len(ROWS)
    assert len(articles.attrs["rejected"]) == 0
    assert set(articles["outlet"]) == {"daily-ledger", "harbor-times", "frontier-post",
                                       "liberty-daily"}
    assert set(scores["group"]) == set(articles["outlet"])
    assert scores["ci_low"].le(scores["estimate"]).all()
    assert (corpus_folder / "loaded_by_outlet.png").stat().st_size > 0

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    framing = [sys.executable, "-m", "framing"]
    for command in commands:
        argv = shlex.split(command)
        done = subprocess.run(framing + argv[1:] + ["--no-progress", "--n-boot", "50",
                                                    "--n-perm", "0", "--min-articles", "2"],
                              cwd=corpus_folder, capture_output=True, text=True, env=env,
                              timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    page = (corpus_folder / "report.html").read_text(encoding="utf-8")
    assert "Frontier Post" in page or "frontier-post" in page
