"""``python -m torchplot gallery`` and ``python -m torchplot demo``, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.figure import Figure

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


def _cli_env(**env_vars: str) -> dict[str, str]:
    """The environment the command runs in: this checkout's torchplot, no backend set."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **env_vars)
    env.pop("MPLBACKEND", None)  # the command must set Agg for the scripts itself
    return env


def _cli(
    *args: str, cwd: Path, timeout: float = 300, **env_vars: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torchplot", *args],
        cwd=cwd,
        env=_cli_env(**env_vars),
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


A_PLOT = '"""A."""\nimport torchplot as plt\nplt.plot([1, 2])\n'


def test_gallery_rerun_keeps_the_users_files_and_replaces_its_own(tmp_path):
    script = _write(tmp_path, "plot_a.py", A_PLOT)
    out = tmp_path / "out"
    assert _cli("gallery", str(script), "--out", str(out), cwd=tmp_path).returncode == 0
    (old,) = (out / "images").iterdir()
    # The user adds notes, and a file of their own next to the figures.
    (out / "NOTES.txt").write_text("mine")
    (out / "images" / "mine.png").write_bytes(b"mine")
    proc = _cli("gallery", str(script), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    index = _index(out)
    assert index["count"] == 1 and (out / index["figures"][0]["files"]["png"]).is_file()
    assert (out / "NOTES.txt").read_text() == "mine"
    assert (out / "images" / "mine.png").read_bytes() == b"mine"
    assert sorted(p.name for p in (out / "images").iterdir()) == sorted([old.name, "mine.png"])
    with Gallery(out) as g:  # still a gallery: it reopens
        assert len(g) == 1


def test_gallery_with_no_scripts_leaves_the_old_gallery_alone(tmp_path):
    out = tmp_path / "out"
    with Gallery(out, title="precious") as g:
        fig = Figure()
        fig.add_subplot().plot([1, 2])
        png = g.add(fig, caption="kept")
    (tmp_path / "empty").mkdir()
    proc = _cli("gallery", str(tmp_path / "empty"), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2 and "no scripts to run" in proc.stderr
    index = _index(out)
    assert index["title"] == "precious" and index["count"] == 1 and png.is_file()


def test_gallery_refuses_a_folder_another_gallery_is_writing_to(tmp_path):
    out = tmp_path / "out"
    with Gallery(out, title="busy"):
        proc = _cli(
            "gallery", str(_write(tmp_path, "plot_a.py", A_PLOT)), "--out", str(out), cwd=tmp_path
        )
        assert proc.returncode == 2 and "another Gallery" in proc.stderr
        assert str(out) in proc.stderr
    assert _index(out)["title"] == "busy" and _index(out)["count"] == 0


SHOW_THEN_DRAW = '''
"""Shows, then goes on drawing."""
import matplotlib.pyplot as plt
plt.figure(figsize=(3, 2), dpi=50)
plt.plot([1, 2, 3], [1, 4, 9])
plt.show()  # returns at once under Agg
plt.title("squares")
plt.savefig("own.png")  # the script's own output, as `python script.py` draws it
plt.figure(figsize=(3, 2), dpi=50)
plt.bar([1, 2], [2, 1])
plt.show()
plt.close()  # unchanged since shown: saved once
'''


def test_gallery_keeps_a_figure_as_drawn_after_show(tmp_path):
    script = _write(tmp_path, "plot_show.py", SHOW_THEN_DRAW)
    out = tmp_path / "out"
    proc = _cli("gallery", str(script), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ok, 2 figures" in proc.stderr
    squares, bars = _index(out)["figures"]
    assert (squares["id"], squares["step"], bars["id"], bars["step"]) == (1, 1, 2, 2)
    # The gallery shows the title added after show(), exactly as the script saved it.
    own = mpimg.imread(tmp_path / "own.png")
    assert np.array_equal(mpimg.imread(out / squares["files"]["png"]), own)
    assert sorted(p.name for p in (out / "images").iterdir()) == [
        "000001-plot_show.py.png",
        "000002-plot_show.py.png",
    ]


def test_gallery_counts_the_figures_of_a_script_that_dies(tmp_path):
    # A script that ends without the runner reporting (killed, timed out,
    # os._exit) still has what it showed in the gallery, and in the progress.
    script = _write(
        tmp_path,
        "plot_dies.py",
        '"""Dies."""\nimport os\nimport matplotlib.pyplot as plt\n'
        "plt.plot([1, 2])\nplt.show()\nos._exit(3)\n",
    )
    out = tmp_path / "out"
    proc = _cli("gallery", str(script), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    assert "plot_dies.py: FAILED after" in proc.stderr and "(1 figure saved)" in proc.stderr
    shown, error = _index(out)["figures"]
    assert shown["status"] == "ok" and "exited with status 3" in error["error"]


def test_gallery_reads_scripts_in_their_declared_encoding(tmp_path):
    # PEP 263: `python script.py` decodes a latin-1 script; so must the gallery,
    # in the script's process (caption, run) and in the parent (failure caption).
    head = '# -*- coding: latin-1 -*-\n"""Café {}."""\nimport torchplot as plt\nplt.plot([1, 2])\n'
    (tmp_path / "plot_ok.py").write_bytes(head.format("ok").encode("latin-1"))
    (tmp_path / "plot_raises.py").write_bytes(
        (head.format("raises") + "raise RuntimeError('after the plot')\n").encode("latin-1")
    )
    out = tmp_path / "out"
    proc = _cli("gallery", str(tmp_path), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    captions = [(f["group"], f["status"], f["caption"]) for f in _index(out)["figures"]]
    assert captions == [
        ("plot_ok.py", "ok", "Café ok."),
        ("plot_raises.py", "ok", "Café raises."),
        ("plot_raises.py", "error", "Café raises."),
    ]


def test_gallery_scripts_of_the_same_name_get_their_own_groups(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _write(tmp_path / folder, "plot_x.py", A_PLOT)
    (tmp_path / "work").mkdir()  # outside both: names relative to their common folder
    out = tmp_path / "work" / "out"
    proc = _cli("gallery", "../a", "../b", "--out", str(out), cwd=tmp_path / "work")
    assert proc.returncode == 0, proc.stderr
    assert _index(out)["groups"] == ["a/plot_x.py", "b/plot_x.py"]


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    from torchplot.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse's line wrapping undone


def test_help_is_plain_text_and_names_the_torchplot_command(capsys):
    text = _help(capsys)
    assert "``" not in text and ":func:" not in text  # no reST markup
    assert '"demo"' in text and '"gallery"' in text and 'the "torchplot" command' in text


def test_gallery_help_gives_the_defaults_with_append(capsys):
    # What docs/galleries.rst says: --append keeps the stored title and formats.
    text = _help(capsys, "gallery")
    title = "--title TITLE page title (default: the folder name; with --append, the gallery's"
    assert f"{title} stored title)" in text
    assert "(default: png; with --append, the gallery's stored formats)" in text


def test_gallery_errors_and_reset_hook_are_public(tmp_path):
    import torchplot

    names = ("GalleryInUseError", "NotAGalleryError", "reset_rc_params")
    assert set(names) <= set(torchplot.__all__) and set(names) <= set(dir(torchplot))
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(torchplot.NotAGalleryError):
        Gallery(taken)
    with Gallery(tmp_path / "busy"), pytest.raises(torchplot.GalleryInUseError):
        Gallery(tmp_path / "busy")
    torchplot.rc_params["plot.reduce"] = True
    try:
        torchplot.reset_rc_params()
        assert torchplot.rc_params["plot.reduce"] is False
    finally:
        torchplot.rc_params["plot.reduce"] = False
