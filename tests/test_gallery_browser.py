"""A generated gallery page in a real browser: headless Chromium over 127.0.0.1.

Checks what only a browser can: every thumbnail actually loads (non-zero
natural size), a caption holding ``<script>`` is displayed as text and never
runs, and the page renders (a screenshot is kept as a test artifact in the
test's tmp dir and in ``test-artifacts/gallery-browser.png``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest

import torchplot as plt

from ._browser import chromium_page, ensure_chromium, serve

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
EVIL_CAPTION = (
    '<script>window.__pwned = 1; document.title = "PWNED"</script> & <b>not bold</b> 学习率'
)
EVIL_GROUP = '<img src=x onerror="window.__pwned = 2"> groupé'

#: Waits for every image (scrolled into view, so lazy ones load), then reports.
PROBE = """
(async () => {
  const imgs = [...document.images];
  for (const img of imgs) {
    img.scrollIntoView();
    if (!img.complete) {
      await new Promise(done => {
        img.addEventListener('load', done);
        img.addEventListener('error', done);
      });
    }
  }
  window.scrollTo(0, 0);
  return {
    images: imgs.map(i => ({src: i.getAttribute('src'), w: i.naturalWidth, h: i.naturalHeight,
                            link: i.closest('a').getAttribute('href')})),
    pwned: window.__pwned || 0,
    title: document.title,
    scripts: document.scripts.length,
    captions: [...document.querySelectorAll('figcaption')].map(c => c.textContent),
    headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
    bold: document.querySelectorAll('figcaption b').length,
    errors: [...document.querySelectorAll('figure.error pre')].map(p => p.textContent),
  };
})()
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return ensure_chromium()


def _make_gallery(folder: Path) -> int:
    torch.manual_seed(0)
    ok = 0
    with plt.Gallery(folder, title="Browser check") as g:
        for epoch in range(3):
            plt.figure(figsize=(4, 3))
            plt.plot(torch.randn(50, requires_grad=True).cumsum(0))
            g.add(caption=f"walk {epoch}", group="walks", step=epoch)
            ok += 1
        fig, ax = plt.subplots(figsize=(3, 3))
        ax.scatter(torch.randn(100), torch.randn(100), c=torch.arange(100))
        g.add(fig, caption=EVIL_CAPTION, group=EVIL_GROUP, step=1)
        ok += 1
        plt.figure()
        plt.title(r"$\notacommand$")
        with pytest.warns(UserWarning, match="failed to save"):
            g.add(caption="broken", group="walks")
    return ok


def test_gallery_page_in_headless_chromium(chromium, tmp_path):
    folder = tmp_path / "gallery"
    n_ok = _make_gallery(folder)
    with serve(folder) as base, chromium_page(chromium, tmp_path / "profile") as page:
        page.goto(f"{base}/index.html")
        report = page.evaluate(PROBE)
        shot = page.screenshot()

    # Every thumbnail loaded, and links to its full-size image.
    assert len(report["images"]) == n_ok
    for image in report["images"]:
        assert image["w"] > 0 and image["h"] > 0, f"{image['src']} did not load"
        assert image["link"] == image["src"] and image["src"].endswith(".png")
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [f["files"]["png"] for f in index["figures"] if f["status"] == "ok"] == [
        i["src"] for i in report["images"]
    ]
    # Captions and group names are text: shown literally, never run or parsed.
    assert report["pwned"] == 0 and report["title"] == "Browser check" and report["scripts"] == 0
    assert EVIL_CAPTION in "".join(report["captions"])
    assert report["bold"] == 0
    assert report["headings"] == ["walks", EVIL_GROUP]
    assert any("Unknown symbol" in e for e in report["errors"])  # the failed figure, in the page

    # The screenshot: a real rendering, kept for humans.
    (tmp_path / "gallery-browser.png").write_bytes(shot)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "gallery-browser.png", artifacts / "gallery-browser.png")
    pixels = mpl_plt.imread(tmp_path / "gallery-browser.png")
    assert pixels.shape[1] == 1280 and pixels.shape[0] > 600
    assert np.ptp(pixels[..., :3]) > 0.5  # not a blank page
