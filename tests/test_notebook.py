"""The tour notebook (``notebooks/tour.ipynb``) runs top to bottom, offline, from the mirror.

The notebook is executed with nbclient in a temporary working folder, on a kernel started
from the interpreter running the tests (``sys.executable``), so it imports this checkout's
``framing``. The kernel inherits ``os.environ`` when it starts, hence the mirror and the
session's fresh data home set by ``conftest.py``; it talks to the test over 127.0.0.1, which
the network guard allows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import needs_mirror

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "tour.ipynb"
CELL_TIMEOUT = 300  # seconds per cell; the whole notebook takes well under a minute


def _outputs(nb, output_type: str | None = None):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output_type is None or output["output_type"] == output_type:
                yield cell, output


def test_notebook_is_stored_without_outputs():
    """Outputs (article texts, figures) stay out of the repository; diffs stay clean."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cells"
    assert not [cell.id for cell in code if cell.outputs or cell.execution_count is not None]


@needs_mirror
@pytest.mark.slow
def test_notebook_runs_offline(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    # A "python3" kernel spec for this interpreter only: not whatever kernel spec of that
    # name a user or system folder holds.
    kernels = tmp_path / "kernels"
    write_kernel_spec(kernels / "python3")
    assert Path(sys.executable).samefile(
        KernelSpecManager(kernel_dirs=[str(kernels)]).get_kernel_spec("python3").argv[0])
    manager = KernelManager(kernel_name="python3",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    workdir = tmp_path / "work"
    workdir.mkdir()

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, km=manager, timeout=CELL_TIMEOUT,
                                     allow_errors=False,
                                     resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(cleanup_kc=True)  # raises CellExecutionError on the first error
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)

    assert not list(_outputs(nb, "error"))
    data = [output.get("data", {}) for _, output in _outputs(nb)
            if output["output_type"] in ("display_data", "execute_result")]
    # The per-outlet figure, drawn inline.
    assert any("image/png" in d for d in data), "no figure was displayed"
    # At least two highlights (a scorer's highlight() and the combined Highlight), with marks.
    highlights = [d["text/html"] for d in data
                  if "framing-highlight" in d.get("text/html", "")]
    assert len(highlights) >= 2 and all("<mark" in h for h in highlights)
    # Key numbers printed by the notebook.
    printed = "".join(output.get("text", "") for _, output in _outputs(nb, "stream")
                      if output.get("name") == "stdout")
    assert "2,027 articles" in printed
    assert "sanctuary-related articles" in printed
    assert "sum of contributions" in printed
    # No notice about notebook widgets: the notebook fetches with progress=False.
    warned = "".join(output.get("text", "") for _, output in _outputs(nb, "stream")
                     if output.get("name") == "stderr")
    assert "IProgress" not in warned, warned
    # Nothing was written into the working folder (the data go to the data home).
    assert not [p for p in workdir.rglob("*") if ".ipynb_checkpoints" not in p.parts]
