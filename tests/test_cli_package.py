"""The ``framing/cli`` package: one registry of subcommand modules, one error path for all.

A usage error in any subcommand is one line on stderr and exit status 2, labelled ``framing``;
``--debug`` re-raises it instead. The old import paths of the subcommands still work, with a
DeprecationWarning.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import framing.cli
from framing.cli import COMMANDS, Command, UsageError, main


def one_line(text: str, label: str = "framing") -> str:
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Traceback" not in text
    assert text.startswith(f"{label}: error: "), text
    return text


def usage_error_argv(name: str, tmp_path) -> list[str]:
    """Arguments that make subcommand ``name`` raise a UsageError while it runs."""
    return {
        "datasets": ["datasets", "fetch", "no-such-dataset"],
        "collect": ["collect", "no-such-recipe", "--out", str(tmp_path / "c.parquet")],
        "score": ["score", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "s.parquet"),
                  "--scorers", "no-such-scorer"],
        "report": ["report", str(tmp_path / "no-such-file.jsonl"), "--by", "label_x", "--out",
                   str(tmp_path / "r.html")],
        "models": ["models", "train", "no-such-model", "--out", str(tmp_path / "m"),
                   "--recipes", str(Path(__file__).resolve().parents[1] / "models")],
        "cache": ["cache", "info", "--data-home", str(tmp_path / "no-such-folder")],
    }[name]


USAGE_MESSAGES = {
    "datasets": "unknown dataset 'no-such-dataset'; choose from: ",
    "collect": "no recipe named 'no-such-recipe'",
    "score": "unknown scorer(s) ['no-such-scorer']",
    "report": "no such file or folder: ",
    "models": "unknown model 'no-such-model'",
    "cache": "no-such-folder: no such folder",
}


def test_every_subcommand_module_is_registered_and_configures_a_parser():
    modules = {info.name for info in pkgutil.iter_modules(framing.cli.__path__)
               if not info.name.startswith("_")}
    assert modules == {command.name for command in COMMANDS}
    assert {"datasets", "collect", "score"} <= modules
    for command in COMMANDS:
        assert command.configure_target == f"framing.cli.{command.name}:configure"
        module = importlib.import_module(f"framing.cli.{command.name}")
        parser = argparse.ArgumentParser(prog=f"framing {command.name}")
        module.configure(parser, [])
        assert parser.get_default("handler") is not None or parser._subparsers is not None


def test_every_subcommand_has_a_usage_error_case():
    # A new subcommand must add its case here, so that its errors are checked below.
    assert set(USAGE_MESSAGES) == {command.name for command in COMMANDS}


@pytest.mark.parametrize("name", [command.name for command in COMMANDS])
def test_a_usage_error_in_each_subcommand_is_one_line_and_exit_2(name, tmp_path, capsys):
    assert main(usage_error_argv(name, tmp_path)) == 2
    captured = capsys.readouterr()
    assert USAGE_MESSAGES[name] in one_line(captured.err)


@pytest.mark.parametrize("name", [command.name for command in COMMANDS])
def test_debug_reraises_a_usage_error_in_each_subcommand(name, tmp_path, capsys):
    with pytest.raises(UsageError, match=r"no-such-"):
        main([*usage_error_argv(name, tmp_path), "--debug"])
    assert capsys.readouterr().err == ""


def test_collect_usage_error_keeps_its_cause(tmp_path, capsys):
    from framing.collect import RecipeError

    with pytest.raises(UsageError) as raised:
        main(["--debug", *usage_error_argv("collect", tmp_path)])
    assert isinstance(raised.value.__cause__, RecipeError)


def test_debug_shows_the_traceback_of_a_subcommand_process(tmp_path):
    done = subprocess.run([sys.executable, "-m", "framing", "--debug",
                           *usage_error_argv("collect", tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1  # an uncaught exception, as for any failure under --debug
    assert "Traceback (most recent call last)" in done.stderr
    assert "RecipeError: no recipe named 'no-such-recipe'" in done.stderr
    assert "UsageError: no recipe named 'no-such-recipe'" in done.stderr


def test_python_dash_m_framing_collect_shares_the_error_path(tmp_path, capsys):
    from framing.cli.collect import main as collect_main

    argv = usage_error_argv("collect", tmp_path)[1:]
    assert collect_main(argv) == 2
    assert USAGE_MESSAGES["collect"] in one_line(capsys.readouterr().err, "framing collect")
    assert collect_main(["--out", "c.parquet"]) == 2
    err = one_line(capsys.readouterr().err, "framing collect")
    assert "required: recipe (see 'python -m framing.collect --help')" in err
    with pytest.raises(UsageError):
        collect_main([*argv, "--debug"])


def test_collect_embedded_in_another_program_reports_a_usage_error(tmp_path, capsys):
    from framing.cli.collect import add_parser

    parser = argparse.ArgumentParser(prog="other")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(usage_error_argv("collect", tmp_path))
    assert args.func(args) == 2
    assert USAGE_MESSAGES["collect"] in one_line(capsys.readouterr().err, "framing collect")


def test_a_subcommand_module_named_after_the_command_needs_no_target(monkeypatch, capsys):
    module = type(sys)("framing.cli.hello")

    def configure(parser, parents):
        parser.add_argument("--name", default="world")

        def run(args):
            if args.name == "nobody":
                raise UsageError("say hello to somebody")
            print(f"hello {args.name}")

        parser.set_defaults(handler=run)

    module.configure = configure
    monkeypatch.setitem(sys.modules, "framing.cli.hello", module)
    monkeypatch.setattr(framing.cli, "COMMANDS", (*COMMANDS, Command("hello", "say hello")))
    assert main(["hello", "--name", "you"]) == 0
    assert capsys.readouterr().out == "hello you\n"
    assert main(["hello", "--name", "nobody"]) == 2
    assert one_line(capsys.readouterr().err) == "framing: error: say hello to somebody\n"


def test_help_imports_no_subcommand_module():
    code = ("import sys, io, contextlib; from framing.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): assert main(['--help']) == 0\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('framing.cli.')"
            " or m in ('pandas', 'framing.collect', 'framing.stream'))\n"
            "assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("old_module", "name", "new_module", "new_name"), [
    ("framing.score_cli", "configure", "framing.cli.score", "configure"),
    ("framing.score_cli", "run", "framing.cli.score", "run"),
    ("framing.collect.cli", "main", "framing.cli.collect", "main"),
    ("framing.collect.cli", "add_parser", "framing.cli.collect", "add_parser"),
    ("framing.collect.cli", "configure", "framing.cli.collect", "configure"),
    ("framing.collect.cli", "run", "framing.cli.collect", "run"),
    ("framing.cli", "configure_datasets", "framing.cli.datasets", "configure"),
])
def test_old_import_paths_work_with_a_deprecation_warning(old_module, name, new_module,
                                                          new_name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        old = importlib.import_module(old_module)  # importing alone does not warn
    with pytest.warns(DeprecationWarning, match=rf"{old_module}\.{name} is deprecated; "
                                                rf"use {new_module}\.{new_name}"):
        moved = getattr(old, name)
    assert moved is getattr(importlib.import_module(new_module), new_name)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        old.nothing_here  # noqa: B018 - the attribute access is the test


def test_python_dash_m_framing_collect_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "framing.collect",
                           *usage_error_argv("collect", tmp_path)[1:]],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert USAGE_MESSAGES["collect"] in one_line(done.stderr, "framing collect")
