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


_BRIDGE_READIED_ONCE = """
import threading, time
import torch, torchplot
from torchplot import _compat
from torchplot._frameworks import Kind, kind_of

assert not _compat._numpy_bridge_ready  # importing torchplot touched no tensor
real, calls, finished = torch.from_numpy, [], []

def slow_from_numpy(a):
    calls.append(a.shape)
    time.sleep(0.3)  # the other threads arrive while it runs
    finished.append(time.monotonic())
    return real(a)

torch.from_numpy = slow_from_numpy
start, returned = threading.Barrier(8), []

def first_sight():
    start.wait()
    assert kind_of(torch.Tensor) is Kind.TORCH
    returned.append(time.monotonic())

threads = [threading.Thread(target=first_sight) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert calls == [(0,)], calls
assert len(returned) == 8 and min(returned) >= finished[0], (returned, finished)
assert _compat._numpy_bridge_ready
print("ok")
"""


def test_the_first_sight_of_a_tensor_readies_torchs_numpy_bridge_once_for_all_threads():
    # PyTorch 2.3 initialises its NumPy bridge in a C++ static whose import
    # lets go of the GIL while a second thread waits on the static holding it:
    # 8 threads' first torch.empty(0, device="cpu") hung 10 runs of 10, and 8
    # threads' first plt.imsave of a tensor (above) most runs.  One thread
    # readies it before any tensor reaches torchplot's torch calls, the others
    # wait for it on a Python lock.
    _run(_BRIDGE_READIED_ONCE)


_BRIDGE_PAST_USER_MODES = """
import torch, torchplot
from torch.overrides import TorchFunctionMode
from torch._subclasses.fake_tensor import FakeTensorMode
from torchplot import _compat
from torchplot._frameworks import Kind, kind_of

seen = []

class Recording(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        seen.append(func)
        return func(*args, **(kwargs or {}))

with FakeTensorMode(), Recording():
    assert kind_of(torch.Tensor) is Kind.TORCH
assert seen == [] and _compat._numpy_bridge_ready, seen
print("ok")
"""


def test_readying_the_bridge_is_not_seen_by_the_users_modes():
    # torchplot's own call: a profiler or recording mode the user has on
    # while plotting the first tensor must not count it.
    _run(_BRIDGE_PAST_USER_MODES)


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
