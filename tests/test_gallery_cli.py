"""``python -m torchplot gallery`` and ``python -m torchplot demo``, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from torchplot import Gallery

ROOT = Path(__file__).resolve().parents[1]

GOOD = '''
"""Two figures
=============

One from torchplot, one from plain Matplotlib, shown and closed.
"""
import matplotlib.pyplot as mpl
import torch

import torchplot as plt

plt.plot(torch.arange(5.0, requires_grad=True))
plt.show()
fig = mpl.figure()
mpl.bar([1, 2], [3, 4])
fig.savefig("own.png")
mpl.close(fig)  # collected just before it closes
plt.figure()
plt.scatter(torch.randn(10), torch.randn(10))  # still open at exit
'''

BAD = '''
"""Fails <script>alert(1)</script> halfway."""
import torchplot as plt
plt.plot([1, 2, 3])
def helper():
    raise RuntimeError("boom from the script")
helper()
'''

SLOW = '''
"""Never ends."""
import time
time.sleep(600)
'''

UNSAVEABLE = r'''
"""Draws one good figure and one whose title is invalid mathtext."""
import torchplot as plt
plt.figure()
plt.plot([1, 2])
plt.figure()
plt.title(r"$\notacommand$")
'''

EXITS = '''
"""Calls sys.exit(0) after drawing."""
import sys
import torchplot as plt
plt.plot([3, 1])
sys.exit(0)
'''


def _write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def _cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MPLBACKEND", None)  # the command must set Agg for the scripts itself
    return subprocess.run(
        [sys.executable, "-m", "torchplot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _index(out: Path) -> dict:
    return json.loads((out / "index.json").read_text(encoding="utf-8"))


def test_gallery_collects_every_figure_and_reports_failures(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    good = _write(scripts, "plot_good.py", GOOD)
    bad = _write(scripts, "plot_bad.py", BAD)
    slow = _write(scripts, "plot_slow.py", SLOW)
    exits = _write(scripts, "plot_exits.py", EXITS)
    unsaveable = _write(scripts, "plot_unsaveable.py", UNSAVEABLE)
    out = tmp_path / "out"
    proc = _cli(
        "gallery",
        str(good),
        str(bad),
        str(slow),
        str(exits),
        str(unsaveable),
        "--out",
        str(out),
        "--timeout",
        "20",
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    page = out / "index.html"
    assert proc.stdout.strip() == f"gallery: {page.resolve()}"
    # Progress, one line per script when stderr is not a terminal, and the summary.
    assert "[######" in proc.stderr and "5/5" in proc.stderr
    assert "plot_good.py: ok, 3 figures" in proc.stderr
    assert "plot_exits.py: ok, 1 figure" in proc.stderr
    assert "plot_unsaveable.py: FAILED: 1 figure(s) failed to save, 1 figure saved" in proc.stderr
    assert "3 of 5 scripts failed" in proc.stderr

    index = _index(out)
    groups = index["groups"]
    assert groups == [
        "scripts/plot_good.py",
        "scripts/plot_bad.py",
        "scripts/plot_slow.py",
        "scripts/plot_exits.py",
        "scripts/plot_unsaveable.py",
    ]
    by_group: dict[str, list[dict]] = {g: [] for g in groups}
    for figure in index["figures"]:
        by_group[figure["group"]].append(figure)

    good_figs = by_group["scripts/plot_good.py"]
    assert [f["status"] for f in good_figs] == ["ok"] * 3 and [f["step"] for f in good_figs] == [
        1,
        2,
        3,
    ]
    assert all(f["caption"].startswith("Two figures\n\nOne from torchplot") for f in good_figs)
    assert all((out / f["files"]["png"]).stat().st_size > 0 for f in good_figs)
    assert (scripts / "own.png").is_file()  # the script ran in its own folder

    bad_ok, bad_error = by_group["scripts/plot_bad.py"]
    assert bad_ok["status"] == "ok"  # the figure drawn before the error is kept
    assert bad_error["status"] == "error" and bad_error["caption"].startswith("Fails <script>")
    assert "exited with status 1" in bad_error["error"]
    assert 'plot_bad.py", line 7, in <module>' in bad_error["error"]
    assert "RuntimeError: boom from the script" in bad_error["error"]
    assert "_runner.py" not in bad_error["error"] and "runpy" not in bad_error["error"]

    (slow_error,) = by_group["scripts/plot_slow.py"]
    assert "timed out after 20 s and was killed" in slow_error["error"]
    (exits_fig,) = by_group["scripts/plot_exits.py"]
    assert exits_fig["status"] == "ok"
    # A figure that fails to save is in the page with its error; nothing is added twice.
    unsaved_ok, unsaved_error = by_group["scripts/plot_unsaveable.py"]
    assert unsaved_ok["status"] == "ok" and unsaved_error["status"] == "error"
    assert (
        unsaved_error["error"].startswith("ValueError:") and "notacommand" in unsaved_error["error"]
    )

    html = page.read_text(encoding="utf-8")
    assert "RuntimeError: boom from the script" in html and "Fails &lt;script&gt;" in html


def test_gallery_over_a_folder_succeeds_and_replaces_the_previous_run(tmp_path):
    _write(tmp_path, "plot_a.py", '"""A."""\nimport torchplot as plt\nplt.plot([1, 2])\n')
    _write(tmp_path, "helper.py", "raise SystemExit('not a plot_ script: never run')\n")
    out = tmp_path / "out"
    for _ in range(2):
        proc = _cli("gallery", str(tmp_path), "--out", str(out), "--title", "Mine", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    index = _index(out)
    assert index["title"] == "Mine" and index["count"] == 1  # not appended twice
    assert len(list((out / "images").iterdir())) == 1
    proc = _cli("gallery", str(tmp_path / "plot_a.py"), "--out", str(out), "--append", cwd=tmp_path)
    assert proc.returncode == 0 and _index(out)["count"] == 2


def test_gallery_formats_are_saved_linked_and_kept_when_appending(tmp_path):
    script = _write(tmp_path, "plot_a.py", '"""A."""\nimport torchplot as plt\nplt.plot([1, 2])\n')
    out = tmp_path / "out"
    proc = _cli("gallery", str(script), "--out", str(out), "--formats", "png,svg,pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (entry,) = _index(out)["figures"]
    assert set(entry["files"]) == {"png", "svg", "pdf"}
    assert (out / entry["files"]["svg"]).read_text().lstrip().startswith("<?xml")
    assert (out / entry["files"]["pdf"]).read_bytes()[:5] == b"%PDF-"
    page = (out / "index.html").read_text(encoding="utf-8")
    for fmt in ("svg", "pdf"):
        assert f'<a href="{entry["files"][fmt]}">{fmt}</a>' in page
    # Appended figures match the gallery's earlier ones without repeating --formats.
    proc = _cli("gallery", str(script), "--out", str(out), "--append", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [set(f["files"]) for f in _index(out)["figures"]] == [{"png", "svg", "pdf"}] * 2
    # A replaced gallery starts afresh: PNG only, and none of the old files left.
    proc = _cli("gallery", str(script), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [set(f["files"]) for f in _index(out)["figures"]] == [{"png"}]
    assert [p.suffix for p in (out / "images").iterdir()] == [".png"]


def test_gallery_bad_formats_are_refused_before_the_old_gallery_is_removed(tmp_path):
    out = tmp_path / "out"
    Gallery(out, title="precious").close()
    proc = _cli(
        "gallery",
        str(_write(tmp_path, "plot_a.py", "")),
        "--out",
        str(out),
        "--formats",
        "png,jpg",
        cwd=tmp_path,
    )
    assert proc.returncode == 2 and "formats must be among" in proc.stderr
    assert _index(out)["title"] == "precious"


def test_gallery_refuses_a_folder_that_is_not_a_gallery(tmp_path):
    _write(tmp_path, "plot_a.py", "import torchplot\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    proc = _cli("gallery", str(tmp_path / "plot_a.py"), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    assert "is not empty and has no entries.jsonl" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]


def test_gallery_missing_script_is_a_usage_error(tmp_path):
    proc = _cli("gallery", "nope.py", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert proc.returncode == 2 and "no such script or folder: 'nope.py'" in proc.stderr


def test_demo_writes_a_figure_and_says_where(tmp_path):
    pytest.importorskip("torch")
    proc = _cli("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "out" / "demo.png"
    assert proc.stdout.strip() == f"wrote {png.resolve()}"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_command_prints_help():
    proc = subprocess.run(
        [sys.executable, "-m", "torchplot"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "gallery" in proc.stderr and "demo" in proc.stderr
