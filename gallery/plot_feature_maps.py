"""
Feature maps as a grid with a colormap
======================================

The activations of a convolution are ``(batch, channels, H, W)`` with many
channels: not an image.  ``X.flatten(0, -3).unsqueeze(1)`` makes every channel
its own single-channel tile, ``(batch * channels, 1, H, W)``, which ``imshow``
lays out as a grid drawn with a colormap.  (``X.flatten(0, -3)`` alone is not
enough: with 1, 3 or 4 channels in all, ``(3, H, W)`` say, it is one image.)
All tiles share one ``vmin``/``vmax``, so their brightness is comparable,
unless ``normalize="per_image"`` asks for each tile's own range.
"""

# %%
import torch

import torchplot as plt

# %%
# A random 3x3 convolution with 8 output channels, applied to one 3x48x48 image.

g = torch.Generator().manual_seed(2)
yy, xx = torch.meshgrid(torch.linspace(-1, 1, 48), torch.linspace(-1, 1, 48), indexing="ij")
image = torch.stack([xx, yy, (xx**2 + yy**2).sqrt()])[None]  # (1, 3, 48, 48)
conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)
with torch.no_grad():
    conv.weight.copy_(torch.randn(8, 3, 3, 3, generator=g))
activations = torch.relu(conv(image))  # (1, 8, 48, 48), requires_grad: no .detach() needed
tiles = activations.flatten(0, -3).unsqueeze(1)  # (8, 1, 48, 48): a tile per channel
print(activations.shape, tiles.shape)

# %%
# One shared colour range: channels that respond weakly look dark.  A NaN
# ``pad_value`` draws the padding in the colormap's "bad" colour (transparent),
# so the gaps stay visible whatever the colormap.

fig, ax = plt.subplots()
im = ax.imshow(
    tiles,
    nrow=4,
    cmap="magma",
    pad_value=float("nan"),
    titles=[f"channel {c}" for c in range(8)],
)
ax.set_axis_off()
fig.colorbar(im, ax=ax, shrink=0.6)
plt.show()

# %%
# ``normalize="per_image"``: each tile scaled to its own range, to compare
# patterns rather than strengths.

fig, ax = plt.subplots()
ax.imshow(tiles, nrow=4, cmap="magma", normalize="per_image", pad_value=float("nan"))
ax.set_axis_off()
plt.show()

# %%
# The weights themselves: ``hist`` of a 4-D tensor is one histogram of all
# its values (Matplotlib takes at most 2-D).

plt.figure()
plt.hist(conv.weight, bins=30)
plt.xlabel("weight value")
plt.show()
