"""
A batch of images as one grid, with titles
==========================================

A data loader hands out batches shaped ``(B, C, H, W)``.  Matplotlib's
``imshow`` rejects that shape; ``torchplot`` lays the batch out as one grid
image, like ``torchvision.utils.make_grid``, built on the tensor's own device
and moved to the host once.  ``titles`` puts a label above each tile.
"""

# %%
import torch

import torchplot as plt

# %%
# A toy labelled batch: 16 RGB images of 32x32, each a disc or a square of
# some colour on a dark background, in [0, 1] like ``ToTensor()`` output.

g = torch.Generator().manual_seed(0)
B, H, W = 16, 32, 32
yy, xx = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
labels = torch.randint(0, 2, (B,), generator=g)
centres = torch.randint(10, 22, (B, 2), generator=g)
radius = torch.randint(5, 10, (B,), generator=g)
dy = yy[None] - centres[:, 0, None, None]
dx = xx[None] - centres[:, 1, None, None]
r = radius[:, None, None]
disc = dy**2 + dx**2 <= r**2
square = (dy.abs() <= r) & (dx.abs() <= r)
mask = torch.where(labels[:, None, None] == 0, disc, square)
colour = torch.rand(B, 3, 1, 1, generator=g)
images = 0.1 + mask[:, None] * colour * 0.9  # (16, 3, 32, 32)

# %%
# One call: the batch is a grid, one title per image.

names = ["disc", "square"]
plt.figure()
plt.imshow(images, titles=[names[i] for i in labels])
plt.axis("off")
plt.show()

# %%
# ``nrow`` (images per row), ``padding`` and ``pad_value`` work as in
# ``make_grid``; padding is in the images' own units (here white).

fig, ax = plt.subplots()
ax.imshow(images, nrow=4, padding=4, pad_value=1.0)
ax.set_axis_off()
plt.show()
