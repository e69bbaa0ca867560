"""
Loss curves from 0-d tensors
============================

Training code usually collects losses as a list of 0-d tensors.  torchplot
plots that list directly, and the tensor ops you would use anyway (a moving
average with ``conv1d``) give the smoothed curve.
"""

# %%
import torch

import torchplot as plt

torch.manual_seed(0)
w_true = torch.randn(8)
x_train, x_val = torch.randn(512, 8), torch.randn(128, 8)
y_train = x_train @ w_true + 0.3 * torch.randn(512)
y_val = x_val @ w_true + 0.3 * torch.randn(128)

w = torch.zeros(8, requires_grad=True)
optimizer = torch.optim.SGD([w], lr=0.05)
train_losses, val_losses = [], []
for step in range(300):
    batch = torch.randint(0, 512, (16,))
    loss = ((x_train[batch] @ w - y_train[batch]) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    train_losses.append(loss.detach())  # a 0-d tensor, no .item()
    if step % 10 == 0:
        with torch.no_grad():
            val_losses.append(((x_val @ w - y_val) ** 2).mean())

# %%
# The raw list of 0-d tensors, a moving average, and the validation points
# -------------------------------------------------------------------------
steps = torch.arange(len(train_losses))
smooth = torch.nn.functional.conv1d(
    torch.stack(train_losses).view(1, 1, -1), torch.full((1, 1, 15), 1 / 15)
).view(-1)

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.plot(train_losses, color="C0", alpha=0.3, label="train (per step)")
ax.plot(steps[7:-7], smooth, color="C0", label="train (moving average)")
ax.plot(torch.arange(0, 300, 10), val_losses, "o-", color="C1", ms=3, label="validation")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("MSE")
ax.legend()
plt.show()
