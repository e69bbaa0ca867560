"""
bfloat16 and complex tensors
============================

NumPy has no ``bfloat16``; torchplot widens it to ``float32`` exactly (every
bfloat16 value is a float32 value), so the figure shows bfloat16's own
rounding.  Complex tensors (including lazily conjugated views) plot through
``.real``, ``.imag``, ``abs`` and ``angle`` as usual.
"""

# %%
# bfloat16: the coarse steps are the data, not the plot
# -----------------------------------------------------
import torch

import torchplot as plt

t = torch.linspace(0, 1, 2000)
signal = torch.exp(-t) * torch.sin(40 * t) + 4
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.plot(t, signal, lw=1, label="float32")
ax.plot(t, signal.to(torch.bfloat16), lw=1, label="bfloat16")
ax.set_xlim(0.1, 0.2)
ax.legend()
ax.set_title("bfloat16 keeps 8 bits of mantissa")
plt.show()

# %%
# Complex: a spectrum, and a conjugated view
# ------------------------------------------
n = torch.arange(256)
z = torch.exp(2j * torch.pi * 0.05 * n) * torch.exp(-n / 120)  # complex64
spectrum = torch.fft.fft(z)
zc = z.conj()  # a lazy view with the conjugate bit set

fig, (ax_iq, ax_mag) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_iq.plot(z.real, z.imag, lw=1, label="z")
ax_iq.plot(zc.real, zc.imag, lw=1, label="z.conj()")
ax_iq.set_aspect("equal")
ax_iq.legend()
ax_iq.set_title("real vs imaginary")
ax_mag.plot(torch.fft.fftfreq(256), spectrum.abs(), ".", ms=3)
ax_mag.set_yscale("log")
ax_mag.set_title("|FFT|")
plt.show()
