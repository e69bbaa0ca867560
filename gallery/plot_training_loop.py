"""
Training loop: predictions against targets
==========================================

A small MLP learns ``y = sin(3x) + x/2`` on a CPU in a second.  Every few
epochs the model's predictions, still attached to the autograd graph, are
plotted against the targets: no ``.detach().cpu().numpy()``.
"""

# %%
# Data and model
# --------------
import torch

import torchplot as plt

torch.manual_seed(0)
x = torch.linspace(-2, 2, 200).unsqueeze(1)
y = torch.sin(3 * x) + x / 2 + 0.1 * torch.randn_like(x)

model = torch.nn.Sequential(
    torch.nn.Linear(1, 32),
    torch.nn.Tanh(),
    torch.nn.Linear(32, 32),
    torch.nn.Tanh(),
    torch.nn.Linear(32, 1),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

# %%
# Train, and plot every few epochs
# --------------------------------
# ``pred`` requires grad; torchplot detaches a copy for the figure and leaves
# the graph alone, so the same tensor is then used for the loss.
snapshots = (0, 20, 60, 200)
fig, axes = plt.subplots(1, len(snapshots), figsize=(12, 3), sharey=True, layout="constrained")
panel = iter(axes)
for epoch in range(snapshots[-1] + 1):
    pred = model(x)
    loss = torch.nn.functional.mse_loss(pred, y)
    if epoch in snapshots:
        ax = next(panel)
        ax.scatter(x, y, s=4, color="0.6", label="targets")
        ax.plot(x, pred, color="C3", lw=2, label="predictions")
        ax.set_title(f"epoch {epoch}, loss {loss:.3f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
axes[0].legend(loc="upper left")
plt.show()

# %%
# Residuals after training
# ------------------------
with torch.no_grad():
    residual = model(x) - y
plt.figure(figsize=(6, 3))
plt.axhline(0, color="0.5", lw=1)
plt.plot(x, residual, ".", ms=3)
plt.title("residuals")
plt.show()
