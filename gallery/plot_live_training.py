"""
Live training dashboard
=======================

``plt.Live`` plots metrics and predictions while a model trains.  ``log``
takes the loss tensor itself (no ``.item()``: on a GPU that would wait for
the device at every step); values stay on their device until a refresh
brings them to the host in one batch.  Headless, a child process draws the
frames (reusing the artists, blitting), so the loop barely notices them.

Here a small MLP learns a 1-D function on the CPU for a few seconds.  The
dashboard's final frame is this example's figure.
"""

# %%
import math
import tempfile

import torch

import torchplot as plt

torch.manual_seed(0)
x = torch.linspace(-3, 3, 256).unsqueeze(1)
y = torch.sin(2 * x) + 0.3 * x
x_val = torch.linspace(-3, 3, 101).unsqueeze(1)
y_val = torch.sin(2 * x_val) + 0.3 * x_val

model = torch.nn.Sequential(
    torch.nn.Linear(1, 64),
    torch.nn.Tanh(),
    torch.nn.Linear(64, 64),
    torch.nn.Tanh(),
    torch.nn.Linear(64, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=400)

# %%
# The dashboard: losses share a log-scaled panel, the training loss is
# smoothed (EMA); ``show`` adds a prediction-vs-target panel.  Headless, each
# refresh also rewrites a PNG atomically (here in a temporary directory).

out = tempfile.mkdtemp()
fig = plt.figure(figsize=(9, 6.5))
live = plt.Live(
    every=50,
    figure=fig,
    path=f"{out}/live.png",
    groups={"loss": ["train", "val"]},
    logy=["loss"],
    smooth={"train": 0.8},
    budget=None,  # draw every refresh: this run is short
)

with live:  # closes (final frame, PNG flushed) even if training raises
    for step in range(400):
        i = torch.randint(0, len(x), (64,))
        loss = torch.nn.functional.mse_loss(model(x[i]), y[i])
        opt.zero_grad()
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        sched.step()
        with torch.no_grad():
            val = torch.nn.functional.mse_loss(model(x_val), y_val)
        # 0-d tensors, logged as they are; the lr is a Python float.
        live.log(step, train=loss, val=val, grad_norm=grad_norm, lr=sched.get_last_lr()[0])
        if step % 100 == 0 or step == 399:
            with torch.no_grad():
                live.show("prediction", x_val, model(x_val), target=y_val)

print(live)
print("final val loss:", live.history("val")[1][-1], "; PNG:", f"{out}/live.png")
assert not math.isnan(live.history("train")[1][-1])

# %%
# ``fig`` is left open: it is the figure shown above.  The full logged series
# can be exported, e.g. ``live.to_csv("metrics.csv")`` or ``live.history("val")``.
