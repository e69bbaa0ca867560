"""``python -m torchplot``: ``demo`` (a figure from tensors), ``gallery`` (figures of scripts)."""

from __future__ import annotations

import argparse
import sys

from torchplot import _demo
from torchplot._gallery import _cli

__all__ = ["main"]

#: The --help text: plain, where the module docstring is reST.
_DESCRIPTION = """\
Draw with torchplot from the command line: "demo" renders a figure from
tensors that require grad, "gallery" runs scripts and collects every figure
they make into an HTML gallery. Installed as the "torchplot" command too.
"""


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the subcommand; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m torchplot", description=_DESCRIPTION)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    _demo.add_parser(subparsers)
    _cli.add_parser(subparsers)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
