"""
Training-metrics dashboard with seaborn
=======================================

``import torchplot.seaborn as sns`` is seaborn, taking tensors: the losses,
the confusion matrix and the embeddings below go to seaborn straight from
torch -- grad-tracking or not, no ``.detach().cpu().numpy()``.

We train a small classifier on synthetic data with three learning rates and
two seeds each, then plot

* the loss curves of all six runs (``relplot``),
* the confusion matrix of the best run, computed in torch (``heatmap``),
* the hidden-layer embeddings, coloured by class (``pairplot``).
"""

import torch

import torchplot as plt
import torchplot.seaborn as sns

sns.set_theme(style="whitegrid")

# %%
# Data and runs
# -------------
# Three Gaussian classes in 8 dimensions; a network with a 3-dimensional
# hidden layer, whose activations we will look at as embeddings.

gen = torch.Generator().manual_seed(0)
n_per_class, n_classes = 100, 3
centers = torch.randn(n_classes, 8, generator=gen) * 2.0
labels = torch.arange(n_classes).repeat_interleave(n_per_class)
inputs = centers[labels] + torch.randn(len(labels), 8, generator=gen) * 1.5


def make_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(8, 3), torch.nn.Tanh(), torch.nn.Linear(3, n_classes)
    )


steps = 40
history = {"step": [], "loss": [], "learning rate": []}
models = {}
for lr in (0.003, 0.03, 0.3):
    for seed in (0, 1):
        model = make_model(seed)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        losses = []
        for _ in range(steps):
            loss = torch.nn.functional.cross_entropy(model(inputs), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        history["step"].append(torch.arange(steps))
        history["loss"].append(torch.stack(losses))
        history["learning rate"] += [f"lr={lr:g}"] * steps
        models[(lr, seed)] = model

# One long-form table: tensors for the numbers, a list for the labels.
runs = {
    "step": torch.cat(history["step"]),
    "loss": torch.cat(history["loss"]),
    "learning rate": history["learning rate"],
}

# %%
# Loss curves
# -----------
# ``relplot`` with ``kind="line"`` averages the two seeds of each learning
# rate and shades the range between them.

g = sns.relplot(
    data=runs,
    x="step",
    y="loss",
    hue="learning rate",
    kind="line",
    errorbar=("pi", 100),
    height=3,
    aspect=1.6,
)
g.set(yscale="log")
# The grid's Axes take tensors too: mark the chance-level loss, log(3).
g.ax.axhline(torch.log(torch.tensor(3.0)), color="0.5", ls="--", lw=1)

# %%
# Confusion matrix
# ----------------
# Computed in torch with ``bincount``; ``heatmap`` takes the integer tensor.

best = models[(0.3, 0)]
with torch.no_grad():
    predicted = best(inputs).argmax(dim=1)
confusion = torch.bincount(labels * n_classes + predicted, minlength=n_classes**2).reshape(
    n_classes, n_classes
)

fig, ax = plt.subplots(figsize=(3.6, 3), layout="constrained")
sns.heatmap(confusion, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
ax.set(xlabel="predicted class", ylabel="true class")

# %%
# Embeddings
# ----------
# The hidden layer's pre-activations (grad-tracking: no ``torch.no_grad()``
# here) as a dict of tensors.  ``pairplot`` itself only takes a DataFrame;
# ``torchplot.seaborn`` builds it from the dict.

embedding = best[0](inputs)
sns.pairplot(
    {"h0": embedding[:, 0], "h1": embedding[:, 1], "h2": embedding[:, 2], "class": labels},
    hue="class",
    palette="tab10",
    height=1.6,
    plot_kws={"s": 12},
)

plt.show()
