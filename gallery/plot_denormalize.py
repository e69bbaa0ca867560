"""
Showing normalized inputs: ``denorm`` and ``normalize``
=======================================================

Inputs to a network are usually normalized per channel, e.g. with
``transforms.Normalize(mean, std)``: as images their values lie far outside
[0, 1], and Matplotlib clips them (with a warning).  Two opt-in keywords of
``imshow`` show them as images again:

* ``denorm=(mean, std)`` undoes the dataset's normalization, per channel;
* ``normalize="minmax"`` rescales the whole batch to [0, 1], or
  ``normalize="per_image"`` each image on its own.
"""

# %%
import torch

import torchplot as plt

# %%
# Eight smooth RGB images in [0, 1], then normalized with ImageNet's statistics.

g = torch.Generator().manual_seed(1)
yy, xx = torch.meshgrid(torch.linspace(0, 1, 48), torch.linspace(0, 1, 48), indexing="ij")
phase = torch.rand(8, 3, 1, 1, generator=g) * 6.28
freq = 2 + 4 * torch.rand(8, 3, 1, 1, generator=g)
images = 0.5 + 0.5 * torch.sin(freq * (xx + yy) + phase)  # (8, 3, 48, 48)

mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
normalized = (images - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
print(f"normalized values span [{normalized.min():.2f}, {normalized.max():.2f}]")

# %%
# Left: the normalized batch as is (clipped by Matplotlib).  Middle: ``denorm``
# gives back the original images.  Right: ``normalize="minmax"`` needs no
# statistics, but stretches the batch's own range.

fig, axes = plt.subplots(3, 1, figsize=(6.4, 5.2), layout="constrained")
axes[0].imshow(normalized.clamp(0, 1), nrow=8)  # what clipping shows
axes[0].set_title("normalized input, clipped to [0, 1]")
axes[1].imshow(normalized, nrow=8, denorm=(mean, std))
axes[1].set_title("denorm=(mean, std)")
axes[2].imshow(normalized, nrow=8, normalize="minmax")
axes[2].set_title('normalize="minmax"')
for ax in axes:
    ax.set_axis_off()
plt.show()

# %%
# uint8 tensors in 0-255 are shown as Matplotlib shows uint8 images: no keyword.

as_bytes = (255 * images).round().to(torch.uint8)
plt.figure()
plt.imshow(as_bytes, nrow=4)
plt.axis("off")
plt.show()
