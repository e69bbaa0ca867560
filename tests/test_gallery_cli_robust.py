"""``python -m torchplot gallery`` with awkward scripts, folders and command lines.

Text that is not UTF-8, a second run into the same folder, forked workers,
warnings turned into errors, appending a script again, crashes, and what the
help and the docs say about the options.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_gallery_cli import ROOT, _cli_env, _index, _write
from tests.test_gallery_cli import _cli as _run_cli
from torchplot import Gallery
from torchplot.__main__ import main
from torchplot._gallery import GalleryInUseError, _cli, _html


def _journal_figures(out: Path) -> list[dict]:
    lines = (out / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines[1:]) if r.get("kind") == "figure"]


PLOT = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n"


def test_a_docstring_that_is_not_utf8_is_cleaned_not_fatal(tmp_path):
    # Escaped surrogates run fine under `python script.py`; the page gets the
    # pair joined into its character and the lone one replaced.
    _write(tmp_path, "plot_1.py", '"""Smile \\ud83d\\ude00, lone \\udc80."""\n' + PLOT)
    _write(tmp_path, "plot_2.py", '"""Fine."""\n' + PLOT)
    out = tmp_path / "out"
    proc = _run_cli("gallery", ".", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # What docs/galleries.rst says stdout holds.
    assert proc.stdout == f"gallery: {(out / 'index.html').resolve()}\n"
    figures = _index(out)["figures"]
    assert [(f["group"], f["status"], f["caption"]) for f in figures] == [
        ("plot_1.py", "ok", "Smile \U0001f600, lone \ufffd."),
        ("plot_2.py", "ok", "Fine."),
    ]
    assert "Smile \U0001f600" in (out / "index.html").read_text(encoding="utf-8")


def test_a_failing_script_whose_name_is_not_utf8_is_recorded(tmp_path):
    try:
        (tmp_path / os.fsdecode(b"plot_caf\xe9.py")).write_text('raise ValueError("x")\n')
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 file names")
    _write(tmp_path, "plot_z.py", PLOT)
    out = tmp_path / "out"
    proc = _run_cli("gallery", ".", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    failed, ok = _index(out)["figures"]
    assert failed["group"] == "plot_caf\\xe9.py" and failed["status"] == "error"
    assert failed["error"].startswith("plot_caf\ufffd.py exited with status 1.")
    assert "ValueError: x" in failed["error"]
    assert (ok["group"], ok["status"]) == ("plot_z.py", "ok")


def test_a_failure_that_cannot_be_recorded_does_not_end_the_run(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "plot_a.py", 'raise RuntimeError("boom")\n')
    _write(tmp_path, "plot_b.py", PLOT)

    def full_disk(self, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Gallery, "_add_failure", full_disk)
    out = tmp_path / "out"
    assert main(["gallery", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "plot_b.py: ok, 1 figure" in err
    assert [f["status"] for f in _index(out)["figures"]] == ["ok"]


def test_the_folder_stays_locked_between_scripts(tmp_path, monkeypatch, capsys):
    # A second run (or any Gallery) into --out must be refused for the whole
    # run, also while no script is running, not only while one holds it.
    _write(tmp_path, "plot_a.py", PLOT)
    _write(tmp_path, "plot_b.py", PLOT)
    out = tmp_path / "out"
    outcomes = []
    run_one = _cli._run_one

    def probe(*args, **kwargs):
        try:
            Gallery(out).close()
        except GalleryInUseError as exc:
            outcomes.append("refused" if "another Gallery" in str(exc) else str(exc))
        else:
            outcomes.append("opened")
        return run_one(*args, **kwargs)

    monkeypatch.setattr(_cli, "_run_one", probe)
    assert main(["gallery", str(tmp_path), "--out", str(out)]) == 0, capsys.readouterr().err
    assert outcomes == ["refused", "refused"]
    # The scripts wrote under the command's lock, which is released at the end.
    assert _index(out)["count"] == 2
    with Gallery(out) as g:
        assert len(g) == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork-only")
def test_figures_of_forked_workers_are_not_collected(tmp_path):
    _write(
        tmp_path,
        "plot_pool.py",
        '''
        """Pool."""
        import multiprocessing as mp
        import matplotlib.pyplot as plt

        def render(i):
            fig = plt.figure()
            plt.plot([0, i])
            plt.close(fig)

        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as pool:
                pool.map(render, range(4))
            plt.plot([1, 2])
        ''',
    )
    out = tmp_path / "out"
    proc = _run_cli("gallery", "plot_pool.py", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ok, 1 figure," in proc.stderr
    assert len(_journal_figures(out)) == 1 and _index(out)["count"] == 1
    assert len(list((out / "images").iterdir())) == 1
    assert (out / "index.html").read_text(encoding="utf-8").count("<figure ") == 1


def test_warnings_as_errors_lose_no_figure(tmp_path):
    _write(
        tmp_path,
        "plot_m.py",
        '"""M."""\nimport matplotlib.pyplot as plt\n'
        'plt.figure(); plt.title(r"$\\frac{$")\nplt.figure(); plt.plot([3, 4])\n',
    )
    out = tmp_path / "out"
    proc = _run_cli(
        "gallery", "plot_m.py", "--out", "out", cwd=tmp_path, PYTHONWARNINGS="error::UserWarning"
    )
    assert proc.returncode == 1
    assert "FAILED: 1 figure(s) failed to save, 1 figure saved" in proc.stderr
    bad, good = _index(out)["figures"]
    assert (bad["status"], bad["step"], good["status"], good["step"]) == ("error", 1, "ok", 2)
    assert bad["error"].startswith("ValueError")


def test_appending_a_script_again_continues_its_section(tmp_path):
    # No docstring: the images' alt text is the script's name and step.
    _write(
        tmp_path,
        "plot_a.py",
        "import matplotlib.pyplot as plt\n"
        "plt.figure(); plt.plot([1])\nplt.figure(); plt.plot([2])\n",
    )
    out = tmp_path / "out"
    assert _run_cli("gallery", "plot_a.py", "--out", "out", cwd=tmp_path).returncode == 0
    proc = _run_cli("gallery", "plot_a.py", "--out", "out", "--append", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [(f["id"], f["step"]) for f in _index(out)["figures"]] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
    ]
    assert 'alt="plot_a.py, step 3"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_failure_appended_over_stays_before_the_later_run(tmp_path):
    # A failure card had no step and sorted after the figures of a run
    # appended later, so the old error read as the latest result.
    _write(
        tmp_path,
        "plot_a.py",
        "import matplotlib.pyplot as plt\nplt.figure()\nraise SystemExit(1)\n",
    )
    out = tmp_path / "out"
    assert _run_cli("gallery", "plot_a.py", "--out", "out", cwd=tmp_path).returncode == 1
    _write(tmp_path, "plot_a.py", PLOT)
    proc = _run_cli("gallery", "plot_a.py", "--out", "out", "--append", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    figures = _index(out)["figures"]
    assert [(f["status"], f["step"]) for f in figures] == [("ok", 1), ("error", 2), ("ok", 3)]


@pytest.mark.skipif(not hasattr(signal, "SIGSEGV") or os.name == "nt", reason="POSIX signals")
def test_a_crash_leaves_a_python_traceback_in_the_page(tmp_path):
    _write(
        tmp_path,
        "plot_crash.py",
        '"""Crashes."""\nimport os, signal\n' + PLOT + "os.kill(os.getpid(), signal.SIGSEGV)\n",
    )
    out = tmp_path / "out"
    proc = _run_cli("gallery", "plot_crash.py", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 1
    (error,) = [f["error"] for f in _index(out)["figures"] if f["status"] == "error"]
    assert "was killed by signal" in error and "Segmentation fault" in error
    assert re.search(r'File ".*plot_crash\.py", line 5 in <module>', error), error


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(tmp_path, capsys, value):
    script = _write(tmp_path, "plot_a.py", PLOT)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exc:
        main(["gallery", str(script), "--out", str(out), "--timeout", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --timeout: must be a positive number of seconds" in err
    assert not out.exists()


def test_a_subfolder_of_examples_is_noted_not_run(tmp_path, capsys):
    _write(tmp_path, "plot_a.py", PLOT)
    for sub in ("more", ".ipynb_checkpoints"):
        (tmp_path / sub).mkdir()
        _write(tmp_path / sub, "plot_b.py", PLOT)
    assert _cli._expand([str(tmp_path)]) == [tmp_path / "plot_a.py"]
    err = capsys.readouterr().err
    assert err.startswith("note: ") and str(tmp_path / "more") in err and err.count("\n") == 1
    assert "ipynb_checkpoints" not in err  # hidden folders are not examples
    _cli._expand([str(tmp_path), str(tmp_path / "more")])
    assert capsys.readouterr().err == ""  # named, so run: nothing to note


def test_names_differing_only_in_bytes_that_are_not_utf8_are_two_groups(tmp_path):
    try:
        names = [tmp_path / os.fsdecode(b"plot_caf" + b + b".py") for b in (b"\xe9", b"\xe8")]
        for name in names:
            name.write_text("")
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 file names")
    groups = _cli._group_names(names)
    assert len(set(groups)) == 2
    assert all(group.encode("utf-8") for group in groups)


def test_a_figure_without_caption_gets_an_alt_text():
    card = _html.render_card(
        {
            "id": 1,
            "group": "g",
            "caption": "",
            "step": None,
            "status": "ok",
            "files": {"png": "images/000001-g.png"},
        }
    )
    assert 'alt="g"' in card


def _gallery_parser() -> argparse.ArgumentParser:
    subparsers = argparse.ArgumentParser().add_subparsers()
    _cli.add_parser(subparsers)
    parser: argparse.ArgumentParser = subparsers.choices["gallery"]
    return parser


def test_help_is_plain_text():
    text = _gallery_parser().format_help()
    assert not re.search(r":(mod|class|func):|``", text), text
    assert "gallery: PATH" in text


def test_docs_list_every_option_and_nothing_else():
    rst = (ROOT / "docs" / "galleries.rst").read_text(encoding="utf-8")
    section = rst.split("Scripts: ``python -m torchplot gallery``")[1].split("Documentation:")[0]
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", section))
    options = {
        s for a in _gallery_parser()._actions for s in a.option_strings if s.startswith("--")
    }
    assert documented == options - {"--help"}
    assert "300 s" in section
    # What stdout holds (test_a_docstring_that_is_not_utf8_is_cleaned_not_fatal checks it).
    assert "``gallery: PATH``" in section and "last line on stdout" not in section


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
def test_a_stopped_run_kills_its_script_records_it_and_unlocks(tmp_path):
    # SIGTERM's default action left the script running in its own session,
    # holding its copy of the folder's lock: the folder stayed locked.
    _write(tmp_path, "plot_a.py", PLOT)
    _write(
        tmp_path,
        "plot_b.py",
        """\
        import pathlib, time
        pathlib.Path("started").write_text(str(__import__("os").getpid()))
        time.sleep(120)
        """,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "torchplot", "gallery", ".", "--out", "out"],
        cwd=tmp_path,
        env=_cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = tmp_path / "started"
    for _ in range(600):
        if started.exists() and started.read_text():
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "STOPPED by SIGTERM" in err and out.startswith("gallery: ")
    script_pid = int(started.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(script_pid, 0)
    figures = _index(tmp_path / "out")["figures"]
    assert [f["status"] for f in figures] == ["ok", "error"]
    assert "stopped by SIGTERM" in figures[-1]["error"]
    Gallery(tmp_path / "out").close()  # not locked any more
