"""
Weight histograms of a model's parameters
=========================================

``hist`` takes each ``nn.Parameter`` as it is (it requires grad), before and
after a short training run, so the shift of each layer's weights is visible.
"""

# %%
import torch

import torchplot as plt

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(20, 64),
    torch.nn.ReLU(),
    torch.nn.Linear(64, 64),
    torch.nn.ReLU(),
    torch.nn.Linear(64, 1),
)
before = {
    name: p.detach().clone() for name, p in model.named_parameters() if name.endswith("weight")
}

x = torch.randn(256, 20)
y = (x[:, :5].sum(1, keepdim=True) > 0).float()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-2)
for _ in range(100):
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

# %%
# One panel per weight matrix
# ---------------------------
weights = [(name, p) for name, p in model.named_parameters() if name.endswith("weight")]
fig, axes = plt.subplots(1, len(weights), figsize=(11, 3), layout="constrained")
for ax, (name, p) in zip(axes, weights, strict=True):
    ax.hist(before[name].flatten(), bins=40, alpha=0.6, label="init")
    ax.hist(p.flatten(), bins=40, alpha=0.6, label="trained")  # an nn.Parameter
    ax.set_title(f"{name} {tuple(p.shape)}")
axes[0].legend()
plt.show()
