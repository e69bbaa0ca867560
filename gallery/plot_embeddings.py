"""
Embeddings coloured by label
============================

A small encoder maps points of five classes to 16-d embeddings; their first
two principal components (``torch.pca_lowrank``) are scattered with
``c=labels``, an integer tensor.
"""

# %%
import torch

import torchplot as plt

torch.manual_seed(0)
n_classes, per_class = 5, 120
centers = 3 * torch.randn(n_classes, 8)
labels = torch.arange(n_classes).repeat_interleave(per_class)  # int64 tensor
inputs = centers[labels] + torch.randn(len(labels), 8)

encoder = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 16))
embeddings = encoder(inputs)  # requires grad

# %%
# Project to 2-d and scatter
# --------------------------
u, s, v = torch.pca_lowrank(embeddings, q=2)
projected = (embeddings - embeddings.mean(0)) @ v  # still grad-tracking

fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
points = ax.scatter(projected[:, 0], projected[:, 1], c=labels, cmap="tab10", vmin=0, vmax=9, s=8)
ax.legend(*points.legend_elements(), title="label", loc="best")
ax.set_title("encoder embeddings, PCA")
plt.show()

# %%
# The norm of each embedding, per class
# -------------------------------------
norms = embeddings.norm(dim=1)
plt.figure(figsize=(5.5, 3), layout="constrained")
plt.boxplot([norms[labels == k] for k in range(n_classes)])
plt.xlabel("label")
plt.ylabel("embedding norm")
plt.show()
