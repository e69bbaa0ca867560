"""The gallery page: static HTML, no JavaScript, every user string escaped.

Each figure's card is rendered once, when it is added, and cached by the
gallery; a page rebuild only sorts and joins the cached cards, so it costs a
few microseconds a figure.  The page runs no script at all (and says so in
its Content-Security-Policy), so nothing in a caption can execute; captions,
group names and error messages go through :func:`html.escape` and show
literally, whatever characters they hold.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

__all__ = ["render_card", "render_page"]

_STYLE = """
:root { color-scheme: light dark; --card: #fff; --fg: #222; --muted: #666; --bg: #f4f4f6; }
@media (prefers-color-scheme: dark) {
  :root { --card: #1e1e22; --fg: #ddd; --muted: #999; --bg: #111114; }
}
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; padding: 1rem 2rem;
       background: var(--bg); color: var(--fg); }
header p, nav { color: var(--muted); }
nav a { margin-right: 1em; }
h2 { margin-top: 2rem; border-bottom: 1px solid var(--muted); overflow-wrap: anywhere; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
figure { margin: 0; padding: .5rem; background: var(--card); border-radius: 6px;
         box-shadow: 0 1px 3px #0003; }
figure img { display: block; width: 100%; height: auto; background: #fff; }
figcaption { white-space: pre-line; overflow-wrap: anywhere; margin-top: .4rem; }
.step { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5em; }
.formats { margin: .3rem 0 0; font-size: 90%; }
.error { border: 2px solid #c33; }
.error pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 80%;
             max-height: 20em; overflow: auto; }
.failed { color: #c33; font-weight: bold; }
"""


#: The page runs no script and embeds no plugin, whatever a caption holds.
_CSP = "script-src 'none'; object-src 'none'"


def _heading(name: str) -> str:
    return _e(name) if name else "(no group)"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _url(rel: str) -> str:
    # File names are ours (ASCII), but quote anyway: an attribute never
    # carries a raw space, quote or non-ASCII byte.
    return _e(quote(rel))


def _step_text(step: Any) -> str:
    return "" if step is None else f'<span class="step">step {_e(step)}</span>'


def _alt(entry: dict[str, Any]) -> str:
    # A screen reader needs something even without a caption (a script
    # without a docstring): the group (the script's name) and the step.
    if entry.get("caption"):
        return str(entry["caption"])
    name = str(entry.get("group") or "figure")
    return name if entry.get("step") is None else f"{name}, step {entry['step']}"


def render_card(entry: dict[str, Any]) -> str:
    """The ``<figure>`` of one journal entry (ok or failed)."""
    caption = (
        f"<figcaption>{_step_text(entry.get('step'))}{_e(entry.get('caption', ''))}</figcaption>"
    )
    anchor = f"f{int(entry['id'])}"
    if entry.get("status") != "ok":
        return (
            f'<figure class="error" id="{anchor}"><div class="failed">failed</div>{caption}'
            f"<pre>{_e(entry.get('error', ''))}</pre></figure>\n"
        )
    files: dict[str, str] = entry["files"]
    png = _url(files["png"])
    size = entry.get("size")
    dims = f' width="{int(size[0])}" height="{int(size[1])}"' if size else ""
    others = " ".join(
        f'<a href="{_url(rel)}">{_e(fmt)}</a>' for fmt, rel in files.items() if fmt != "png"
    )
    formats = f'<p class="formats">{others}</p>' if others else ""
    return (
        f'<figure id="{anchor}"><a href="{png}"><img src="{png}" loading="lazy"{dims} '
        f'alt="{_e(_alt(entry))}"></a>{caption}{formats}</figure>\n'
    )


def render_page(
    title: str, updated: str, groups: Iterable[tuple[str, list[str]]], count: int, failed: int
) -> str:
    """The whole page from ``(group name, [card html, ...])`` pairs in page order."""
    groups = list(groups)
    nav = "".join(f'<a href="#g{i}">{_heading(name)}</a>' for i, (name, _) in enumerate(groups))
    body = []
    for i, (name, cards) in enumerate(groups):
        body.append(f'<section id="g{i}"><h2>{_heading(name)}</h2>\n<div class="grid">\n')
        body.extend(cards)
        body.append("</div></section>\n")
    summary = f"{count} figure{'s' if count != 1 else ''}"
    if failed:
        summary += f", {failed} failed"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="generator" content="torchplot.Gallery">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style></head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1><p>{summary} &middot; updated {_e(updated)} &middot; "
        '<a href="index.json">index.json</a></p>'
        f"<nav>{nav}</nav></header>\n<main>\n{''.join(body)}</main>\n</body></html>\n"
    )
