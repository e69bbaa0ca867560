"""torchplot used from several threads, and from a process forked while a thread works.

Each case runs in a fresh interpreter: what is tested is the first use, where
torchplot loads its layers and builds its twin classes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stdout + done.stderr[-2000:]


_IMSAVE_FROM_THREADS = """
import io, threading
import torch, torchplot

images = [torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(i)) for i in range(8)]
start = threading.Barrier(len(images))

def save(image):
    buf = io.BytesIO()
    torchplot.imsave(buf, image, format="png")
    return buf.getvalue()

results, errors = [None] * len(images), []
def run(i):
    start.wait()
    try:
        results[i] = save(images[i])
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=run, args=(i,)) for i in range(len(images))]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
assert results == [save(image) for image in images]  # as saved one at a time
print("ok")
"""


def test_pyplot_imsave_called_from_threads_at_first_use_runs_its_layers():
    # The first call published a chain without its layers while it loaded
    # them: the other threads saved the CHW tensor as Matplotlib's (H, W, C),
    # which Matplotlib refused ("Third dimension must be 3 or 4").
    _run(_IMSAVE_FROM_THREADS)


_FORK_WHILE_BUILDING = """
import os, threading
import torch, torchplot
from torchplot import _twins

inside, release = threading.Event(), threading.Event()
build = _twins._data_methods

def held_inside(base):
    inside.set()
    release.wait()
    return build(base)

_twins._data_methods = held_inside
threading.Thread(target=lambda: torchplot.figure().subplots(), daemon=True).start()
inside.wait()  # another thread is building a twin class: it holds the lock
pid = os.fork()
if pid == 0:
    _twins._data_methods = build
    threading.Timer(20, lambda: os._exit(3)).start()  # hung on the inherited lock
    torchplot.figure().subplots().plot(torch.arange(3.0))
    os._exit(0)
release.set()
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, os.waitstatus_to_exitcode(status)
print("ok")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_a_thread_builds_a_twin_builds_its_own():
    # The child inherited the lock held by a thread it does not have, and its
    # first twin waited for it forever.
    _run(_FORK_WHILE_BUILDING)
