"""``python -m torchplot demo``: one figure drawn straight from grad-tracking tensors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> None:
    """Register the ``demo`` subcommand."""
    p = subparsers.add_parser("demo", help="render a demo figure from grad-tracking tensors")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out/demo.png"),
        help="where to write the PNG (default: out/demo.png)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fit a line with autograd and plot data, fit and loss without ``.detach().cpu().numpy()``."""
    try:
        import torch
    except ImportError:
        print("error: the demo needs PyTorch: pip install 'torch-pyplot[torch]'", file=sys.stderr)
        return 2
    import torchplot as plt

    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 64)
    y = 3 * x + 0.5 + 0.3 * torch.randn_like(x)
    w = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    losses = []
    for _ in range(60):
        loss = ((w[0] * x + w[1] - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.detach())  # a list of 0-d tensors

    fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
    ax_fit.scatter(x, y, s=10, label="data")
    ax_fit.plot(x, w[0] * x + w[1], color="C1", label="fit (requires_grad)")  # grad-tracking tensor
    ax_fit.legend()
    ax_fit.set_title("fit")
    ax_loss.plot(losses)
    ax_loss.set_yscale("log")
    ax_loss.set_title("loss")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out)
    plt.close(fig)
    print(f"wrote {args.out.resolve()}")
    return 0
