"""Fetching with ``progress=False`` in a Jupyter kernel without ipywidgets prints no notice.

tqdm's notebook mode is chosen on import of ``tqdm.auto`` when a kernel is running; without
ipywidgets it warns "IProgress not found". Each case runs in a fresh interpreter (the
notice comes once, on the first import) that looks like a kernel to tqdm.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("tqdm.notebook")

FAKE_KERNEL = textwrap.dedent("""
    import json, sys, types, warnings
    # what tqdm.autonotebook looks for: an ipykernel shell, and no ipywidgets
    sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
    sys.modules["ipywidgets"] = None
    class ZMQInteractiveShell:
        pass
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = ZMQInteractiveShell
    sys.modules["IPython"] = ipython
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(sys.argv[1])
    print(json.dumps([str(w.message) for w in caught]))
""")


def _warnings_from(code, tmp_path):
    env = {**os.environ, "FRAMING_DATA_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", FAKE_KERNEL, code], env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_fake_kernel_makes_tqdm_auto_warn(tmp_path):
    """The control: importing tqdm.auto in this fake kernel does give the notice."""
    caught = _warnings_from("import tqdm.auto", tmp_path)
    assert any("IProgress not found" in m for m in caught), caught


def test_a_quiet_fetch_gives_no_notice(tmp_path):
    caught = _warnings_from(
        "from framing.datasets import fetch_lexicon\n"
        "assert len(fetch_lexicon('hu_liu', progress=False)) > 6000", tmp_path)
    assert not [m for m in caught if "IProgress" in m], caught


def test_a_switched_off_bar_does_not_import_tqdm_auto(tmp_path):
    caught = _warnings_from(
        "from framing._progress import progress_bar\n"
        "bar = progress_bar(range(2), enabled=False)\n"
        "assert list(bar) == [0, 1] and 'tqdm.auto' not in sys.modules", tmp_path)
    assert caught == []
