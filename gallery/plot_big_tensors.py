"""
Big tensors: reduce on the device, transfer only what is drawn
==============================================================

``hist`` of a tensor counts where the tensor lives (exactly ``np.histogram``'s
counts and edges); ``plot(..., reduce=True)`` keeps the first, last, minimum
and maximum point of each pixel column of a long line, and re-reduces when you
zoom; ``imshow(..., downsample=True)`` area-averages an image larger than the
Axes before the transfer.  On a GPU the data never crosses the bus whole; the
same code runs on the CPU.
"""

# %%
import torch

import torchplot as plt

device = "cuda" if torch.cuda.is_available() else "cpu"
g = torch.Generator(device=device).manual_seed(0)

# %%
# A histogram of a million values: only 51 edges and 50 counts reach the host.
values = torch.randn(1_000_000, generator=g, device=device)
fig, ax = plt.subplots()
n, bins, patches = ax.hist(values, bins=50, density=True)
ax.set_title("hist of a 10^6-element tensor")

# %%
# A long training curve, reduced to a few points per pixel column.
loss = torch.randn(2_000_000, generator=g, device=device).cumsum(0)
fig, (full, zoom) = plt.subplots(2, 1)
(line,) = full.plot(loss, reduce=True)
full.set_title(f"2,000,000 points drawn from {len(line.get_xdata()):,} kept points")
(zline,) = zoom.plot(loss, reduce=True)
zoom.set_xlim(1_000_000, 1_000_400)  # zoomed in: every visible point is drawn
zoom.set_title(f"zoomed: {len(zline.get_xdata())} points")
fig.tight_layout()

# %%
# A 4096 x 4096 image on a small Axes, averaged on the device first.
image = torch.rand(4096, 4096, generator=g, device=device).cumsum(0).cumsum(1)
fig, ax = plt.subplots(figsize=(3, 3), layout="constrained")
im = ax.imshow(image, downsample=True)
ax.set_title(f"{tuple(image.shape)} image\nshown from {im.get_array().shape}")

plt.show()
