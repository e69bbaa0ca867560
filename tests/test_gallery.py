"""torchplot.Gallery: files, views, escaping, reopening, crashes, failures, bad input."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import warnings
import weakref
from pathlib import Path

import matplotlib
import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import torchplot as plt
from torchplot import Gallery
from torchplot._gallery import NotAGalleryError
from torchplot._gallery._store import JOURNAL, RefreshPolicy

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]


def _index(path: Path) -> dict:
    return json.loads((path / "index.json").read_text(encoding="utf-8"))


def _line_figure(n: int = 10):
    fig = plt.figure(figsize=(2, 1.5), dpi=40)
    plt.plot(torch.arange(n, dtype=torch.float32, requires_grad=True))
    return fig


def test_add_saves_png_closes_figure_and_indexes_it(tmp_path):
    out = tmp_path / "run"
    with Gallery(out, title="exp 1") as g:
        fig = _line_figure()
        png = g.add(fig, caption="a line", group="lines", step=3)
        assert not mpl_plt.fignum_exists(fig.number)
        assert png == out / "images" / "000001-lines.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # Small galleries refresh their views on every add, before close().
        index = _index(out)
        assert index["torchplot_gallery"] == 1
        assert [f["caption"] for f in index["figures"]] == ["a line"]
    index = _index(out)
    assert index["title"] == "exp 1"
    (entry,) = index["figures"]
    assert entry["group"] == "lines" and entry["step"] == 3 and entry["status"] == "ok"
    assert entry["files"] == {"png": "images/000001-lines.png"}
    assert entry["size"] == [80, 60]  # 2 x 1.5 inches at 40 dpi, read back from the PNG
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="images/000001-lines.png"><img src="images/000001-lines.png"' in page


def test_add_without_figure_takes_the_current_one(tmp_path):
    with Gallery(tmp_path / "g") as g:
        plt.plot(torch.ones(3))
        fig = plt.gcf()
        g.add(caption="current")
        assert not mpl_plt.fignum_exists(fig.number)
        with pytest.raises(ValueError, match="no current figure"):
            g.add()


def test_extra_formats_are_saved_and_linked(tmp_path):
    with Gallery(tmp_path / "g", formats=("svg", "pdf")) as g:
        g.add(_line_figure(), caption="x")
    (entry,) = _index(tmp_path / "g")["figures"]
    assert set(entry["files"]) == {"png", "svg", "pdf"}
    assert (tmp_path / "g" / entry["files"]["svg"]).read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "g" / entry["files"]["pdf"]).read_bytes()[:5] == b"%PDF-"
    page = (tmp_path / "g" / "index.html").read_text()
    assert f'<a href="{entry["files"]["svg"]}">svg</a>' in page


def test_groups_in_first_seen_order_and_figures_by_step(tmp_path):
    with Gallery(tmp_path / "g") as g:
        for group, step in [("b", 5), ("a", 2), ("b", 1), ("b", None), ("a", 0.5), ("b", 3)]:
            g.add(_line_figure(), caption=f"{group}{step}", group=group, step=step)
    index = _index(tmp_path / "g")
    assert index["groups"] == ["b", "a"]
    assert [f["caption"] for f in index["figures"]] == ["b1", "b3", "b5", "bNone", "a0.5", "a2"]
    page = (tmp_path / "g" / "index.html").read_text()
    positions = [
        page.index(f">step {s}</span>{c}<")
        for c, s in [("b1", 1), ("b3", 3), ("b5", 5), ("a0.5", 0.5)]
    ]
    assert positions == sorted(positions)


def test_html_and_non_ascii_captions_and_groups_shown_literally(tmp_path):
    caption = '<script>alert("x")</script> & <b>bold</b> — Größe 学习率 🚀'
    group = "<img src=x onerror=alert(1)> é"
    with Gallery(tmp_path / "g", title="<i>title</i>") as g:
        g.add(_line_figure(), caption=caption, group=group)
    page = (tmp_path / "g" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img src=x" not in page and "<i>title" not in page
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        "&lt;b&gt;bold&lt;/b&gt; — Größe 学习率 🚀" in page
    )
    assert "&lt;img src=x onerror=alert(1)&gt; é" in page
    index = _index(tmp_path / "g")
    assert index["figures"][0]["caption"] == caption and index["groups"] == [group]
    assert "学习率" in (tmp_path / "g" / "index.json").read_text(encoding="utf-8")


def test_reopening_appends_and_keeps_every_file(tmp_path):
    out = tmp_path / "g"
    with Gallery(out, title="first") as g:
        g.add(_line_figure(), caption="one", group="x", step=1)
    first = (out / "images" / "000001-x.png").read_bytes()
    with Gallery(out) as g:
        assert g.title == "first" and len(g) == 1
        g.add(_line_figure(20), caption="two", group="x", step=0)
    with Gallery(out, title="renamed") as g:
        g.add(_line_figure(), caption="three", group="y")
    index = _index(out)
    assert index["title"] == "renamed"
    assert [(f["id"], f["caption"]) for f in index["figures"]] == [
        (2, "two"),
        (1, "one"),
        (3, "three"),
    ]
    assert (out / "images" / "000001-x.png").read_bytes() == first
    assert len(list((out / "images").iterdir())) == 3


@pytest.mark.parametrize(
    "setup",
    ["file", "foreign_files", "foreign_index_json", "journal_without_marker", "newer_format"],
)
def test_a_folder_that_is_not_a_gallery_is_refused_untouched(tmp_path, setup):
    out = tmp_path / "g"
    if setup == "file":
        out.write_text("not a folder")
    else:
        out.mkdir()
        if setup == "foreign_files":
            (out / "notes.txt").write_text("mine")
        elif setup == "foreign_index_json":
            (out / "index.json").write_text('{"figures": []}')
        elif setup == "journal_without_marker":
            (out / JOURNAL).write_text('{"title": "x"}\n')
        else:
            (out / JOURNAL).write_text('{"torchplot_gallery": 99}\n')
    before = {p: p.read_bytes() for p in [out, *out.rglob("*")] if p.is_file()}
    with pytest.raises(NotAGalleryError, match="refusing to write into it"):
        Gallery(out)
    assert isinstance(NotAGalleryError("x"), FileExistsError)
    after = {p: p.read_bytes() for p in [out, *out.rglob("*")] if p.is_file()}
    assert after == before


def test_empty_existing_folder_starts_a_gallery(tmp_path):
    with Gallery(tmp_path) as g:
        g.add(_line_figure())
    assert _index(tmp_path)["count"] == 1


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_crash_mid_run_loses_no_earlier_figure(tmp_path):
    # The process dies without closing the gallery (no final views).
    proc = _run(
        """
        import os, torchplot as plt
        g = plt.Gallery("g")
        for i in range(3):
            plt.plot([i, i + 1]); g.add(caption=f"fig {i}", step=i)
        os._exit(3)
    """,
        tmp_path,
    )
    assert proc.returncode == 3, proc.stderr
    assert json.loads((tmp_path / "g" / "index.json").read_text())["torchplot_gallery"] == 1
    with Gallery(tmp_path / "g") as g:
        assert len(g) == 3
    assert [f["caption"] for f in _index(tmp_path / "g")["figures"]] == ["fig 0", "fig 1", "fig 2"]


def test_a_crash_while_writing_the_index_leaves_the_last_good_one(tmp_path):
    # Killed between writing a new view and moving it into place: the old
    # views stay whole, the journal has the figure, reopening recovers it.
    proc = _run(
        """
        import os, torchplot as plt
        g = plt.Gallery("g")
        plt.plot([1, 2]); g.add(caption="kept")
        os.replace = lambda *a: os._exit(4)
        plt.plot([2, 1]); g.add(caption="in flight")
    """,
        tmp_path,
    )
    assert proc.returncode == 4, proc.stderr
    out = tmp_path / "g"
    assert [f["caption"] for f in _index(out)["figures"]] == ["kept"]
    assert (
        "kept" in (out / "index.html").read_text()
        and "in flight" not in (out / "index.html").read_text()
    )
    assert list(out.glob(".index.*.tmp"))  # the interrupted write
    with Gallery(out):
        pass
    assert [f["caption"] for f in _index(out)["figures"]] == ["kept", "in flight"]
    assert not list(out.glob(".*.tmp"))


def test_a_torn_journal_line_is_dropped_and_the_next_add_is_intact(tmp_path):
    out = tmp_path / "g"
    with Gallery(out) as g:
        g.add(_line_figure(), caption="one")
    with open(out / JOURNAL, "a", encoding="utf-8") as f:
        f.write('{"kind":"figure","id":2,"capt')  # killed mid-append
    with Gallery(out) as g:
        g.add(_line_figure(), caption="two")
    lines = (out / JOURNAL).read_text().splitlines()
    assert all(json.loads(line) for line in lines)
    assert [f["caption"] for f in _index(out)["figures"]] == ["one", "two"]


def test_reopening_keeps_the_formats_unless_new_ones_are_given(tmp_path):
    out = tmp_path / "g"
    for formats in [("svg",), None, ("pdf",), None]:
        with Gallery(out, formats=formats) as g:
            g.add(_line_figure())
    files = [set(f["files"]) for f in _index(out)["figures"]]
    assert files == [{"png", "svg"}, {"png", "svg"}, {"png", "pdf"}, {"png", "pdf"}]


def test_a_journal_without_formats_or_with_unknown_ones_reopens_as_png(tmp_path):
    out = tmp_path / "g"
    out.mkdir()
    # A journal written before formats were stored, then one hand-edited into nonsense.
    (out / JOURNAL).write_text('{"torchplot_gallery": 1, "title": "old"}\n')
    with Gallery(out) as g:
        g.add(_line_figure())
    with open(out / JOURNAL, "a", encoding="utf-8") as f:
        f.write('{"kind": "formats", "formats": ["svg", "jpg", 3]}\n')
    with Gallery(out) as g:
        g.add(_line_figure())
    assert [set(f["files"]) for f in _index(out)["figures"]] == [{"png"}, {"png", "svg"}]


def test_a_figure_that_fails_to_save_is_reported_and_the_run_goes_on(tmp_path):
    out = tmp_path / "g"
    with Gallery(out, formats=("svg",)) as g:
        bad = plt.figure()
        plt.title(r"$\notacommand$")
        with pytest.warns(
            UserWarning, match=r"figure 'broken <b>' \(group 'grp', step 7\) failed to save"
        ):
            assert g.add(bad, caption="broken <b>", group="grp", step=7) is None
        assert not mpl_plt.fignum_exists(bad.number)
        g.add(_line_figure(), caption="fine", group="grp", step=8)
    index = _index(out)
    assert index["failed"] == 1
    failed, ok = index["figures"]
    assert (
        failed["status"] == "error" and failed["files"] == {} and "notacommand" in failed["error"]
    )
    assert ok["status"] == "ok"
    assert sorted(p.name for p in (out / "images").iterdir()) == [
        "000002-grp.png",
        "000002-grp.svg",
    ]
    page = (out / "index.html").read_text()
    assert 'class="error"' in page and "broken &lt;b&gt;" in page and "Unknown symbol" in page


def test_many_figures_never_accumulate(tmp_path):
    # More than figure.max_open_warning figures, with that warning an error.
    refs = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with matplotlib.rc_context({"figure.max_open_warning": 5}), Gallery(tmp_path / "g") as g:
            for i in range(12):
                fig = _line_figure()
                refs.append(weakref.ref(fig))
                g.add(fig, step=i)
                del fig
                assert mpl_plt.get_fignums() == []
    gc.collect()
    assert all(r() is None for r in refs)  # the gallery keeps no figure alive


def test_figures_made_without_pyplot_and_with_savefig_kwargs(tmp_path):
    fig = Figure(figsize=(2, 2))
    plt.adopt(fig).add_subplot().plot(torch.tensor([1.0, 3.0, 2.0]))
    with Gallery(tmp_path / "g", savefig_kwargs={"dpi": 30}) as g:
        g.add(fig, caption="oo api", step=torch.tensor(4))
    (entry,) = _index(tmp_path / "g")["figures"]
    assert entry["size"] == [60, 60] and entry["step"] == 4 and isinstance(entry["step"], int)


def test_savefig_kwargs_holding_tensors_save_matplotlibs_own_figures(tmp_path):
    # Only torchplot's own figures converted them: a figure a library made with
    # matplotlib.pyplot was recorded as failed ("Tensor doesn't define
    # __round__"), and the gallery held the tensors and their graph.
    dpi = torch.tensor(30.0, requires_grad=True) * 1
    edge = torch.tensor([0.0, 0.5, 1.0, 1.0], requires_grad=True)
    fig = mpl_plt.figure(figsize=(2, 2))
    fig.add_subplot().plot([1.0, 3.0, 2.0])
    with Gallery(tmp_path / "g", savefig_kwargs={"dpi": dpi, "edgecolor": edge}) as g:
        held = weakref.ref(dpi)
        del dpi, edge
        gc.collect()
        assert held() is None
        g.add(fig, caption="made by matplotlib.pyplot")
    (entry,) = _index(tmp_path / "g")["figures"]
    assert entry["size"] == [60, 60]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fig": "fig.png"}, TypeError, "fig must be a matplotlib Figure or None, got str"),
        ({"caption": 3}, TypeError, "caption must be a str, got int"),
        ({"group": ["a"]}, TypeError, "group must be a str, got list"),
        ({"step": "3"}, TypeError, "step must be a real number or None, got str"),
        ({"step": True}, TypeError, "step must be a real number or None, got bool"),
        ({"step": float("nan")}, ValueError, "step must be finite"),
    ],
)
def test_bad_arguments_name_the_argument(tmp_path, kwargs, error, match):
    with Gallery(tmp_path / "g") as g:
        plt.plot([1, 2])
        with pytest.raises(error, match=match):
            g.add(**kwargs)
    assert _index(tmp_path / "g")["count"] == 0


def test_axes_instead_of_figure_gets_a_fix(tmp_path):
    with Gallery(tmp_path / "g") as g:
        _, ax = plt.subplots()
        with pytest.raises(TypeError, match=r"g.add\(ax.figure\)"):
            g.add(ax)


def test_closed_gallery_and_bad_options(tmp_path):
    g = Gallery(tmp_path / "g")
    g.close()
    g.close()  # idempotent
    with pytest.raises(ValueError, match="is closed"):
        g.add(_line_figure())
    with pytest.raises(ValueError, match="formats must be among"):
        Gallery(tmp_path / "h", formats=("jpg",))
    with pytest.raises(ValueError, match="must not set 'format'"):
        Gallery(tmp_path / "h", savefig_kwargs={"format": "svg"})
    assert not (tmp_path / "h").exists()


def _simulate(n_figures: int) -> tuple[int, float, float]:
    # A run where an add takes 10 ms and a rebuild of n figures 3 ms + 2 us * n:
    # (rebuilds, total time, fraction of it spent rebuilding).
    clock = [0.0]
    policy = RefreshPolicy(clock=lambda: clock[0])
    rebuilds = 0
    rebuilding = 0.0
    for n in range(1, n_figures + 1):
        clock[0] += 0.010
        if policy.due(n):
            start = clock[0]
            clock[0] += 3e-3 + 2e-6 * n
            rebuilding += 3e-3 + 2e-6 * n
            policy.rebuilt(start)
            rebuilds += 1
    return rebuilds, clock[0], rebuilding / clock[0]


def test_refresh_policy_is_linear():
    rebuilds, _, _ = _simulate(20)
    assert rebuilds == 20  # small galleries: after every add
    _, small, _ = _simulate(1_000)
    _, big, fraction = _simulate(10_000)
    # Linear: 10x the figures, 10x the time (+ the 1 % rebuild budget).  A
    # rebuild per figure would spend 100 s of a 230 s run rebuilding.
    assert big / small < 10.5
    assert fraction < 0.025


def test_refresh_policy_time_rule_keeps_a_big_page_fresh():
    clock = [0.0]
    policy = RefreshPolicy(clock=lambda: clock[0])
    policy.rebuilt(-0.01)  # the last rebuild took 10 ms
    clock[0] += 0.1
    assert not policy.due(10_000)  # 0.1 s < 100 x 10 ms
    clock[0] += 0.9
    assert policy.due(10_000)


def test_importing_the_gallery_imports_no_framework():
    code = "import sys, torchplot; torchplot.Gallery; assert 'torch' not in sys.modules"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_a_gallery_of_numpy_and_tensor_figures_shows_the_same_pixels(tmp_path):
    # The gallery saves exactly what savefig saves.
    data = np.linspace(0, 1, 50) ** 2
    with Gallery(tmp_path / "g") as g:
        plt.figure(figsize=(2, 2), dpi=30)
        plt.plot(torch.tensor(data, requires_grad=True))
        png = g.add()
    mpl_plt.figure(figsize=(2, 2), dpi=30)
    mpl_plt.plot(data)
    mpl_plt.savefig(tmp_path / "ref.png")
    assert np.array_equal(mpl_plt.imread(png), mpl_plt.imread(tmp_path / "ref.png"))


def test_a_second_gallery_on_an_open_folder_is_refused(tmp_path):
    # Both would number their first figure 1 and save it to the same file.
    from torchplot._gallery import GalleryInUseError

    out = tmp_path / "g"
    g1 = Gallery(out)
    red = g1.add(_line_figure(), caption="red")
    with pytest.raises(GalleryInUseError, match="another Gallery") as info:
        Gallery(out)
    assert str(out) in str(info.value) and "close() the other one first" in str(info.value)
    assert isinstance(info.value, OSError)  # the CLI reports it as a usage error
    png = red.read_bytes()
    g1.add(_line_figure(20), caption="blue")
    g1.close()
    with Gallery(out) as g2:  # closed: the folder is free again
        assert len(g2) == 2
    assert red.read_bytes() == png
    dropped = Gallery(out)
    del dropped  # an unclosed gallery that is garbage-collected frees the folder too
    gc.collect()
    Gallery(out).close()


def test_a_forked_child_does_not_keep_the_folder_locked(tmp_path):
    # DataLoader workers are forked while a gallery is open, and may outlive a
    # process that dies without closing it: they must not keep its folder.
    proc = _run(
        """
        import os, time, torchplot as plt
        g = plt.Gallery("g")
        ready_r, ready_w = os.pipe()
        if os.fork() == 0:  # the worker: alive until the test is done
            os.close(1), os.close(2)  # so that the test sees its parent end
            os.write(ready_w, b"x")
            for _ in range(600):
                if os.path.exists("done"):
                    break
                time.sleep(0.1)
            os._exit(0)
        os.read(ready_r, 1)
        os._exit(0)  # dies with the gallery open
    """,
        tmp_path,
    )
    try:
        assert proc.returncode == 0, proc.stderr
        Gallery(tmp_path / "g").close()
    finally:
        (tmp_path / "done").touch()


def test_where_folders_cannot_be_locked_no_image_is_overwritten(tmp_path, monkeypatch):
    # Without fcntl (Windows) two writers are not stopped, but each image file
    # is created exclusively: a taken name is skipped, never overwritten.
    from torchplot._gallery import _store

    monkeypatch.setattr(_store, "fcntl", None)
    out = tmp_path / "g"
    Gallery(out).close()
    (out / "images" / "000001-x.png").write_bytes(b"a file that is not ours")
    g1, g2 = Gallery(out), Gallery(out)
    first = g1.add(_line_figure(), group="x")
    second = g2.add(_line_figure(20), group="x")
    assert (first.name, second.name) == ("000002-x.png", "000003-x.png")
    assert (out / "images" / "000001-x.png").read_bytes() == b"a file that is not ours"
    assert first.read_bytes() != second.read_bytes()
    g1.close()
    g2.close()


@pytest.mark.parametrize("name", ["caption", "group"])
def test_text_that_no_utf8_file_can_hold_is_refused_before_saving(tmp_path, name):
    # A file name from os.listdir that is not UTF-8 holds a lone surrogate.
    text = "run-" + os.fsdecode(b"\xff") + ".pt"
    with Gallery(tmp_path / "g") as g:
        plt.plot([1, 2])
        with pytest.raises(ValueError, match=rf"{name} 'run-\\udcff.pt' holds the lone surrogate"):
            g.add(**{name: text})
        assert len(g) == 0
    assert list((tmp_path / "g" / "images").iterdir()) == []  # no unrecorded image
    with pytest.raises(ValueError, match=r"title .* Fix: pass title=title.encode"):
        Gallery(tmp_path / "h", title=text)
    assert not (tmp_path / "h").exists()


def test_a_figure_saved_again_replaces_its_entry(tmp_path):
    # What `python -m torchplot gallery` does with a figure changed after
    # plt.show(): the same id and files, one entry, also when reopened.
    out = tmp_path / "g"
    with Gallery(out) as g:
        fig = _line_figure()
        first = g._save(fig, caption="c", group="x", step=1, close=False)
        before = (out / first["files"]["png"]).read_bytes()
        plt.title("changed")
        again = g._save(fig, caption="c", group="x", step=1, ident=first["id"])
        assert again["files"] == first["files"] and len(g) == 1
        assert (out / first["files"]["png"]).read_bytes() != before
        assert not mpl_plt.fignum_exists(fig.number)
        g.add(_line_figure(), caption="other", group="x", step=2)
    for _ in range(2):  # as written, and as rebuilt from the journal
        index = _index(out)
        assert [(f["id"], f["caption"]) for f in index["figures"]] == [(1, "c"), (2, "other")]
        assert index["count"] == 2 and "replaces" not in index["figures"][0]
        Gallery(out).close()
    # A figure that fails to save again is shown failed, its earlier files gone.
    with Gallery(out) as g:
        plt.figure()
        bad = plt.gcf()
        plt.title(r"$\notacommand$")
        with pytest.warns(UserWarning, match="failed to save"):
            g._save(bad, caption="c", group="x", step=1, ident=1)
    index = _index(out)
    assert index["count"] == 2 and index["failed"] == 1
    assert not (out / first["files"]["png"]).exists()
    assert not list((out / "images").glob(".*.tmp"))


def test_reset_rc_params_restores_torchplots_defaults(tmp_path):
    # sphinx-gallery runs every example in one process and resets only
    # Matplotlib's rcParams; this hook resets torchplot's settings too.
    proc = _run("import json, torchplot; print(json.dumps(dict(torchplot.rc_params)))", tmp_path)
    defaults = json.loads(proc.stdout)
    saved = dict(plt.rc_params)
    try:
        from torchplot._gallery import reset_rc_params

        plt.rc_params.update({"imshow.downsample": True, "plot.reduce_threshold": 3})
        reset_rc_params()
        assert dict(plt.rc_params) == defaults
        sphinx_gallery = pytest.importorskip("sphinx_gallery.scrapers")
        plt.rc_params["imshow.downsample"] = True
        conf = {"reset_modules": ("matplotlib", "torchplot._gallery.reset_rc_params")}
        sphinx_gallery.clean_modules(conf, "plot_b.py", "before")  # what it does per example
        assert dict(plt.rc_params) == defaults
    finally:
        plt.rc_params.update(saved)


def test_with_warnings_as_errors_a_failed_figure_is_recorded_before_the_warning(tmp_path):
    # Under `-W error` the warning raises out of add(); the failure must be in
    # the journal and the views by then, and the gallery must go on.
    out = tmp_path / "g"
    with Gallery(out) as g:
        plt.figure()
        plt.title(r"$\notacommand$")
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            with pytest.raises(UserWarning, match="failed to save"):
                g.add(caption="bad", step=1)
        assert len(g) == 1 and _index(out)["failed"] == 1
        g.add(_line_figure(), caption="fine", step=2)
    assert [(f["caption"], f["status"]) for f in _index(out)["figures"]] == [
        ("bad", "error"),
        ("fine", "ok"),
    ]


def test_text_of_a_script_that_no_utf8_file_can_hold_is_cleaned(tmp_path):
    # What `python -m torchplot gallery` records for a script: its docstring
    # may spell an emoji as escaped surrogates, its file name may not be UTF-8.
    # add() refuses such text; the command cannot, so it is cleaned.
    name = "plot_caf" + os.fsdecode(b"\xe9") + ".py"
    with Gallery(tmp_path / "g") as g:
        g._save(_line_figure(), caption="Smile \ud83d\ude00", group=name, step=1)
        g._add_failure(caption="\ud83d", group=name, step=None, error=f"{name} exited")
    figures = _index(tmp_path / "g")["figures"]
    assert [(f["group"], f["caption"]) for f in figures] == [
        ("plot_caf\ufffd.py", "Smile \U0001f600"),
        ("plot_caf\ufffd.py", "\ufffd"),
    ]
    assert figures[1]["error"] == "plot_caf\ufffd.py exited"


def test_the_default_title_of_the_current_folder_is_its_name(tmp_path, monkeypatch):
    (tmp_path / "results").mkdir()
    monkeypatch.chdir(tmp_path / "results")
    with Gallery(".") as g:
        assert g.title == "results"
    assert "<title>results</title>" in (tmp_path / "results" / "index.html").read_text()


def test_add_with_close_false_leaves_the_figure_open(tmp_path):
    fig = _line_figure()
    with plt.Gallery(tmp_path / "g") as g:
        assert g.add(fig, close=False) is not None
        assert fig.number in plt.get_fignums()
        g.add(fig)
        assert fig.number not in plt.get_fignums()
        with pytest.raises(TypeError, match="close must be True or False"):
            g.add(_line_figure(), close="no")
    plt.close("all")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_a_forked_child_never_rewrites_the_page_from_its_old_copy(tmp_path):
    # The child's copy of an open gallery, closed there (a script's forked
    # child exiting normally), rewrote index.json from the state at the fork,
    # after the parent had written a newer page.
    g = plt.Gallery(tmp_path / "g")
    g.add(_line_figure())
    go_on, wait = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: close its copy once the parent is done
        os.read(go_on, 1)
        try:
            g.close()
        finally:
            os._exit(0)
    g.add(_line_figure())
    g.close()
    os.write(wait, b"x")
    os.waitpid(pid, 0)
    assert _index(tmp_path / "g")["count"] == 2
