#!/bin/sh
# Run the test suite against the oldest releases pyproject.toml declares
# (.ci/oldest.txt: PyTorch 2.3, Matplotlib 3.10, NumPy 1.26, pandas 2.2), in
# .venv-oldest.
# Not part of .ci/run, which takes the newest releases.
set -e
python3 -m venv .venv-oldest
.venv-oldest/bin/pip install -q -c .ci/oldest.txt -e ".[test]"
.venv-oldest/bin/python -m pytest "$@"
