"""examples/baoshan.ipynb runs top to bottom (nbclient, this venv's ipykernel) and shows what it
promises: the programme table, the store, the scorecard, the heat map, the gaps, the series."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")


def _text(output: dict[str, object], mime: str) -> str:
    data = output.get("data", {})
    assert isinstance(data, dict)
    value = data.get(mime, "")
    return "".join(value) if isinstance(value, list) else str(value)


def test_baoshan_notebook_runs_clean(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = repo / "examples" / "baoshan.ipynb"
    notebook = nbformat.read(path, as_version=4)
    # the kernel is this interpreter's ipykernel (the kernelspec says "python")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [(cell.source, o) for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for _, o in outputs if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert not errors, errors
    html = [_text(o, "text/html") for _, o in outputs]
    assert any("ecociv-programme" in h and "I01" in h for h in html)  # the programme table
    assert any("ecociv-store" in h and "1,795" in h for h in html)  # the store: its cells
    scorecards = [h for h in html if "ecociv-scorecard" in h]
    assert len(scorecards) == 2
    assert "<th title='元/人'>I01</th>" in scorecards[0] and "margin" in scorecards[0]
    assert "530500" in scorecards[0] and "background:#f4c7c3" in scorecards[1]  # a failing year
    images = [o for _, o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the verdict heat map and the I01 series
    gaps = next(h for source, o in outputs if source.startswith("gaps") for h in [_text(o, "text/html")])
    assert "worst_gap" in gaps and "市" in gaps
