"""The ``framing`` command: exit codes, one-line errors, and the datasets subcommands."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import framing
import framing.datasets
from framing import cli
from framing.cli import Command, main
from framing.datasets import DownloadError

HAS_CATALOG = importlib.util.find_spec("framing.datasets._catalog") is not None


def stub_catalog(monkeypatch, **fetchers):
    """Make list_datasets() return a catalog of ``fetchers`` (name -> fetcher)."""
    # The first row as the AllSides entry would be (a citation over two lines), the others
    # with an unknown row count.
    rest = len(fetchers) - 1
    catalog = pd.DataFrame({
        "name": list(fetchers),
        "rows": [2027] + [None] * rest,
        "licence": ["Apache-2.0 (code); texts © publishers"] + ["CC BY 4.0"] * rest,
        "citation": ["Baly et al. 2020.\nEMNLP."] + ["Someone 2021"] * rest,
        "fetcher": list(fetchers.values()),
    })
    set_list_datasets(monkeypatch, lambda: catalog)
    return catalog


def set_list_datasets(monkeypatch, function):
    # Through the module's __dict__: getattr would run the lazy import of a catalog module
    # that may not exist yet, which monkeypatch.setattr does to save the old value.
    monkeypatch.setitem(vars(framing.datasets), "list_datasets", function)


def one_line_error(text: str) -> str:
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Traceback" not in text
    assert text.startswith("framing: error: ")
    return text


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"framing {framing.__version__}\n"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "datasets" in out and "list and fetch the public datasets" in out


def test_no_command_shows_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: framing" in capsys.readouterr().err
    assert main(["datasets"]) == 2
    assert "usage: framing datasets" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["nope"], "argument COMMAND: invalid choice: 'nope'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["datasets", "fetch"], "the following arguments are required: name"),
    (["datasets", "frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_argument_errors_exit_2_with_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = one_line_error(capsys.readouterr().err)
    assert message in err


def test_datasets_list(capsys, monkeypatch):
    stub_catalog(monkeypatch, allsides="fetch_allsides", tiny="fetch_tiny")
    assert main(["datasets", "list"]) == 0
    assert capsys.readouterr().out == (
        "name       rows  licence                                citation\n"
        "allsides  2,027  Apache-2.0 (code); texts © publishers  Baly et al. 2020. EMNLP.\n"
        "tiny          -  CC BY 4.0                              Someone 2021\n"
    )


def test_datasets_list_shows_the_unit_when_the_catalog_has_one(capsys, monkeypatch):
    catalog = stub_catalog(monkeypatch, allsides="fetch_allsides")
    catalog.insert(2, "unit", ["articles"])
    assert main(["datasets", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("allsides  2,027  articles  Apache")


@pytest.mark.skipif(not HAS_CATALOG, reason="framing.datasets._catalog not written yet")
def test_datasets_list_with_the_real_catalog(capsys):
    assert main(["datasets", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["name", "rows"]
    assert any(re.match(r"allsides +2,027 ", line) for line in lines)


def test_datasets_list_without_a_catalog_is_a_runtime_error(capsys, monkeypatch):
    monkeypatch.delitem(vars(framing.datasets), "list_datasets", raising=False)
    monkeypatch.setitem(sys.modules, "framing.datasets._catalog", None)  # import fails
    assert main(["datasets", "list"]) == 1
    assert "has no dataset catalog" in one_line_error(capsys.readouterr().err)


def test_catalog_without_required_columns_is_a_runtime_error(capsys, monkeypatch):
    set_list_datasets(monkeypatch, lambda: pd.DataFrame({"name": ["x"]}))
    assert main(["datasets", "list"]) == 1
    assert "lacks the column(s) ['rows', 'licence', 'citation', 'fetcher']" in one_line_error(
        capsys.readouterr().err)


def test_fetch_passes_data_home_and_progress(capsys, monkeypatch, tmp_path):
    calls = []

    def fetch_tiny(*, data_home=None, progress=True):
        calls.append((data_home, progress))
        frame = pd.DataFrame({"outlet": ["a", "b", "a"]})
        frame.attrs = {"rejected": pd.DataFrame({"line": [1]}), "coerced": pd.DataFrame()}
        return frame

    stub_catalog(monkeypatch, allsides="fetch_allsides", tiny=fetch_tiny)
    assert main(["datasets", "fetch", "tiny", "--data-home", str(tmp_path),
                 "--no-progress"]) == 0
    assert calls == [(str(tmp_path), False)]
    assert capsys.readouterr().out == (
        "tiny: 3 rows, 2 outlets\n"
        f"cache: {tmp_path.resolve()}\n"
        "rejected rows: 1, coerced values: 0\n"
    )
    assert main(["datasets", "fetch", "tiny"]) == 0
    assert calls[-1] == (None, True)


def test_fetch_passes_the_catalog_arguments_and_refresh(capsys, monkeypatch, tmp_path):
    calls = []

    def fetch_babe(subset="SG2", *, data_home=None, refresh=False, progress=True):
        calls.append((subset, refresh))
        return pd.DataFrame({"text": ["a", "b"]})

    catalog = stub_catalog(monkeypatch, babe=fetch_babe, babe_sg1=fetch_babe)
    catalog["kwargs"] = [{}, {"subset": "SG1"}]
    catalog["unit"] = ["sentences", "sentences"]
    assert main(["datasets", "fetch", "babe_sg1", "--data-home", str(tmp_path)]) == 0
    assert main(["datasets", "fetch", "babe", "--refresh", "--data-home", str(tmp_path)]) == 0
    assert calls == [("SG1", False), ("SG2", True)]
    assert capsys.readouterr().out.splitlines()[0] == "babe_sg1: 2 sentences"


def test_fetch_summarises_an_outlets_table(capsys, monkeypatch, tmp_path):
    def fetch_outlets(*, data_home=None, progress=True):
        return pd.DataFrame({"name": ["A", "B"]}, index=pd.Index(["a", "b"], name="outlet"))

    stub_catalog(monkeypatch, outlets=fetch_outlets)
    assert main(["datasets", "fetch", "outlets", "--data-home", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "outlets: 2 rows, 2 outlets"


def test_fetch_unknown_dataset_exits_2_and_names_the_choices(capsys, monkeypatch):
    stub_catalog(monkeypatch, allsides="fetch_allsides", tiny="fetch_tiny")
    assert main(["datasets", "fetch", "allside"]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert "unknown dataset 'allside'; choose from: allsides, tiny" in err


def test_runtime_errors_exit_1_and_debug_shows_the_traceback(capsys, monkeypatch):
    def broken(*, data_home=None, progress=True):
        raise DownloadError("Could not download http://x/y.\nSet FRAMING_MIRROR.")

    stub_catalog(monkeypatch, broken=broken)
    assert main(["datasets", "fetch", "broken"]) == 1
    assert one_line_error(capsys.readouterr().err) == (
        "framing: error: DownloadError: Could not download http://x/y. Set FRAMING_MIRROR.\n")
    for argv in (["--debug", "datasets", "fetch", "broken"],
                 ["datasets", "fetch", "broken", "--debug"]):
        with pytest.raises(DownloadError):
            main(argv)


def test_fetch_allsides_through_the_real_fetcher(capsys, monkeypatch, mirror_dir):
    if not HAS_CATALOG:
        stub_catalog(monkeypatch, allsides="fetch_allsides")
    assert main(["datasets", "fetch", "allsides", "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"allsides: 2,027 (rows|articles), 121 outlets", out[0]), out[0]
    assert out[1] == f"cache: {Path(os.environ['FRAMING_DATA_HOME']).resolve()}"
    assert out[2].startswith("rejected rows: 0, coerced values: ")


def test_a_download_failure_exits_1(capsys, monkeypatch, tmp_path, fresh_data_home):
    if not HAS_CATALOG:
        stub_catalog(monkeypatch, allsides="fetch_allsides")
    empty = tmp_path / "empty_mirror"
    empty.mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", str(empty))
    assert main(["datasets", "fetch", "allsides", "--no-progress"]) == 1
    err = one_line_error(capsys.readouterr().err)
    assert "not in the mirror folder" in err and "FRAMING_MIRROR" in err


def test_only_the_chosen_subcommand_module_is_imported(capsys, monkeypatch):
    broken = Command("broken", "a subcommand whose module is missing", "framing._nope:configure")
    monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, broken))
    stub_catalog(monkeypatch, allsides="fetch_allsides")
    assert main(["datasets", "list"]) == 0
    assert main(["--help"]) == 0
    assert "a subcommand whose module is missing" in capsys.readouterr().out
    assert main(["broken"]) == 1
    assert "No module named 'framing._nope'" in one_line_error(capsys.readouterr().err)


def test_a_subcommand_added_to_the_registry(capsys, monkeypatch):
    def configure(parser, parents):
        parser.add_argument("--times", type=int, default=1)
        parser.set_defaults(handler=lambda args: print("hello " * args.times) or 3)

    monkeypatch.setitem(sys.modules, "framing_test_hello",
                        type(sys)("framing_test_hello"))
    sys.modules["framing_test_hello"].configure = configure
    monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, Command(
        "hello", "say hello", "framing_test_hello:configure")))
    assert main(["hello", "--times", "2"]) == 3
    assert capsys.readouterr().out == "hello hello \n"
    assert main(["hello", "--times", "x"]) == 2
    assert "invalid int value: 'x'" in one_line_error(capsys.readouterr().err)


def test_importing_the_cli_does_not_import_pandas():
    code = ("import sys, framing.cli; framing.cli.build_parser(['datasets']); "
            "assert 'pandas' not in sys.modules, 'pandas imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_dash_m_framing():
    done = subprocess.run([sys.executable, "-m", "framing", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == f"framing {framing.__version__}\n"
    done = subprocess.run([sys.executable, "-m", "framing", "nope"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("framing: error: argument COMMAND: invalid choice")
