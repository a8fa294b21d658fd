"""Draw the figures of course.md into docs/figures/*.svg, byte for byte reproducibly.

::

    python docs/figures/make_figures.py            # rewrite every figure
    python docs/figures/make_figures.py --check    # exit 1 if a committed figure is stale

Every figure is computed here from seeded NumPy (no torch, no unit file), drawn
with matplotlib's Agg/SVG backends, text kept as text (``svg.fonttype``
"none"), ids salted with a fixed string and the date left out of the
metadata, so the same matplotlib version always writes the same bytes.
The update rules drawn in the optimizer figures follow torch.optim's
documented order (course.md, Chapter 6).
"""

import argparse
import io
import itertools
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

HERE = Path(__file__).resolve().parent
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "dlmath-figures", "font.size": 9,
         "axes.titlesize": 9, "axes.labelsize": 9, "legend.fontsize": 8,
         "figure.dpi": 100, "path.simplify": True}
METADATA = {"Date": None, "Creator": "dlmath docs/figures/make_figures.py"}


def save(fig) -> bytes:
    """The SVG bytes of ``fig`` (then closed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata=METADATA, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _box(ax, x, y, text, width=0.9, height=0.5, color="#eef3fb"):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.03", fc=color, ec="#335"))
    ax.text(x, y, text, ha="center", va="center")


def _arrow(ax, start, end, color="#333", style="-|>", lw=1.2):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": style, "color": color, "lw": lw,
                            "shrinkA": 14, "shrinkB": 14})


def _blank(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


# ---------------------------------------------------------------- Chapter 1
def network():
    sizes, names = (3, 5, 5, 2), ("input x", "hidden 1", "hidden 2", "output")
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    positions = []
    for column, size in enumerate(sizes):
        ys = np.linspace(-(size - 1) / 2, (size - 1) / 2, size)
        positions.append([(column * 2.2, y) for y in ys])
    for left, right in itertools.pairwise(positions):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="#9ab", lw=0.6, zorder=1)
    for column, layer in enumerate(positions):
        for x, y in layer:
            ax.add_patch(plt.Circle((x, y), 0.22, fc="#fff" if column == 0 else "#dde8f7",
                                    ec="#335", zorder=2))
        ax.text(column * 2.2, -3.1, f"{names[column]}\n({sizes[column]})", ha="center",
                va="center")
    for column in range(3):
        ax.text(column * 2.2 + 1.1, 2.85, f"$W_{column + 1}$  ({sizes[column + 1]}, "
                f"{sizes[column]})\n$b_{column + 1}$  ({sizes[column + 1]},)", ha="center",
                va="center", color="#224")
    _blank(ax, (-0.8, 7.4), (-3.6, 3.4))
    return save(fig)


# ---------------------------------------------------------------- Chapter 2
def computation_graph():
    fig, ax = plt.subplots(figsize=(9, 3.3))
    nodes = {"x": (0, 1.3), "w": (0, -1.3), "mul": (2.8, 0), "b": (2.8, -1.9), "add": (5.2, 0),
             "sig": (7.6, 0), "loss": (10.2, 0), "y": (10.2, -1.9)}
    labels = {"x": "$x = 2$", "w": "$w = 0.5$", "mul": "$\\times$", "b": "$b = -1$",
              "add": "$+$", "sig": "$\\sigma$", "loss": "$(p - y)^2$", "y": "$y = 1$"}
    for key, (x, y) in nodes.items():
        leaf = key in ("x", "w", "b", "y")
        _box(ax, x, y, labels[key], width=1.6 if key == "loss" else 1.0,
             color="#fff" if leaf else "#eef3fb")
    # (start, end, forward value, gradient, where to write them)
    edges = [("x", "mul", "2", "$\\bar{x} = -0.125$", (1.1, 0.95)),
             ("w", "mul", "0.5", "$\\bar{w} = -0.5$", (1.1, -0.95)),
             ("mul", "add", "$wx = 1$", "$-0.25$", None),
             ("b", "add", "-1", "$\\bar{b} = -0.25$", (4.6, -1.2)),
             ("add", "sig", "$z = 0$", "$\\bar{z} = -0.25$", None),
             ("sig", "loss", "$p = 0.5$", "$\\bar{p} = -1$", None),
             ("y", "loss", "1", "", (10.45, -1.0))]
    for start, end, forward, backward, where in edges:
        (x0, y0), (x1, y1) = nodes[start], nodes[end]
        _arrow(ax, (x0, y0), (x1, y1))
        if where is None:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            ax.text(mx, my + 0.2, forward, ha="center", va="bottom", color="#111")
            ax.text(mx, my - 0.2, backward, ha="center", va="top", color="#b22")
        else:
            ax.text(where[0], where[1] + 0.05, forward, ha="left", va="bottom", color="#111")
            ax.text(where[0], where[1] - 0.05, backward, ha="left", va="top", color="#b22")
    _arrow(ax, nodes["loss"], (12.2, 0))
    ax.text(12.5, 0, "$L = 0.25$\n$\\bar{L} = 1$", ha="left", va="center")
    ax.text(6, 2.0, "forward: values (black), left to right", ha="center")
    ax.text(6, -2.8, "backward: gradients (red), right to left, one local derivative per node",
            ha="center", color="#b22")
    _blank(ax, (-0.8, 13.8), (-3.1, 2.3))
    return save(fig)


# ---------------------------------------------------------------- Chapter 3
_ACTIVATIONS = {
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)),
                lambda a, h: h * (1 - h)),
    "tanh": (np.tanh, lambda a, h: 1 - h * h),
    "relu": (lambda a: np.maximum(a, 0), lambda a, h: (a > 0).astype(a.dtype)),
}


def stack_gradient_sizes(name, scale, depth=30, width=128, samples=16, seed=0):
    """Mean |gradient| at each layer of ``h <- f(W h)``, relative to the output's."""
    forward, derivative = _ACTIVATIONS[name]
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((samples, width))
    weights, caches = [], []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * math.sqrt(scale / width)
        a = h @ w.T
        h = forward(a)
        weights.append(w)
        caches.append((a, h))
    grad = rng.standard_normal((samples, width))
    start = np.mean(np.abs(grad))
    sizes = []
    for w, (a, out) in zip(reversed(weights), reversed(caches), strict=True):
        grad = (grad * derivative(a, out)) @ w
        sizes.append(np.mean(np.abs(grad)) / start)
    return np.array(sizes)


def activation_stack():
    inits = (("weights too small, var $0.25/D$", 0.25), ("Xavier, var $1/D$", 1.0),
             ("He, var $2/D$", 2.0))
    fig, axes = plt.subplots(1, 3, figsize=(9, 3), sharey=True)
    layers = np.arange(1, 31)
    for ax, (title, scale) in zip(axes, inits, strict=True):
        for name in ("sigmoid", "tanh", "relu"):
            ax.plot(layers, stack_gradient_sizes(name, scale), "o-", ms=2.5, label=name)
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("layers gone back through")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("mean |gradient|, relative to the output")
    axes[0].set_ylim(1e-30, 1e3)
    axes[2].legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 4
def _logistic_run(x, t, weight_decay, steps=3000, lr=2.0):
    w, b = np.zeros(x.shape[1]), 0.0
    losses, norms = [], []
    for _ in range(steps):
        z = x @ w + b
        loss = np.mean(np.maximum(z, 0) - t * z + np.log1p(np.exp(-np.abs(z))))
        p = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z))
                     / (1 + np.exp(-np.abs(z))))
        grad = (p - t) / len(t)
        w = w - lr * (x.T @ grad + weight_decay * w)
        b = b - lr * grad.sum()
        losses.append(loss)
        norms.append(np.linalg.norm(w))
    return np.array(losses), np.array(norms)


def logistic_separable():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-1.5, 0.6, (20, 2)), rng.normal(1.5, 0.6, (20, 2))])
    t = np.concatenate([np.zeros(20), np.ones(20)])
    steps = np.arange(1, 3001)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    for weight_decay, label in ((0.0, "no weight decay"), (0.01, "weight decay 0.01")):
        losses, norms = _logistic_run(x, t, weight_decay)
        axes[0].plot(steps, losses, label=label)
        axes[1].plot(steps, norms, label=label)
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_title("training loss: tends to 0, never reaches it")
    axes[1].set_xscale("log")
    axes[1].set_title("$\\|w\\|$: grows like $\\log t$ without decay")
    for ax in axes:
        ax.set_xlabel("gradient-descent step $t$")
        ax.grid(alpha=0.3)
        ax.legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 5
def _fit(x, y, epochs=1000, lr=0.01, seed=0):
    rng = np.random.default_rng(seed)
    bound = 1 / math.sqrt(x.shape[1])
    w, b = rng.uniform(-bound, bound, (1, x.shape[1])), rng.uniform(-bound, bound, (1,))
    losses = []
    for _ in range(epochs):
        residual = x @ w.T + b - y
        losses.append(np.mean(residual ** 2))
        grad = 2 * residual / residual.size
        w, b = w - lr * grad.T @ x, b - lr * grad.sum(axis=0)
    return np.array(losses), w, b


def _least_squares_loss(x, y):
    design = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    return np.mean((design @ theta - y) ** 2)


def founding_example():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 2))
    fixed = x @ np.array([[2.0], [-3.4]]) + 4.2 + 0.1 * rng.standard_normal((100, 1))
    noise = rng.standard_normal((100, 1))
    epochs = np.arange(1, 1001)
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3))
    losses, w, b = _fit(x, fixed)
    axes[0].plot(epochs, losses, label="SGD, lr 0.01")
    axes[0].axhline(_least_squares_loss(x, fixed), ls="--", color="C3",
                    label="least_squares, in one step")
    axes[0].set_yscale("log")
    axes[0].set_title(f"fixed example: w = ({w[0, 0]:.2f}, {w[0, 1]:.2f}), b = {b[0]:.2f}")
    losses, _, _ = _fit(x, noise)
    axes[1].plot(epochs, losses, label="SGD, lr 0.01")
    axes[1].axhline(_least_squares_loss(x, noise), ls="--", color="C3",
                    label="least_squares")
    axes[1].axhline(np.var(noise), ls=":", color="k", label="variance of the targets")
    axes[1].set_title("the document's targets: random noise")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.set_ylabel("training MSE")
        ax.grid(alpha=0.3)
        ax.legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 6
def _quadratic_grad(p):
    return np.array([p[0], 25 * p[1]])


def _run(step, steps=60, start=(-4.0, 1.5)):
    p, state, path = np.array(start), {}, [np.array(start)]
    for t in range(1, steps + 1):
        p = step(p, _quadratic_grad(p), state, t)
        path.append(p)
    return np.array(path)


def _sgd(lr, momentum=0.0, nesterov=False):
    def step(p, g, state, t):
        if momentum:
            state["u"] = g if t == 1 else momentum * state["u"] + g
            g = g + momentum * state["u"] if nesterov else state["u"]
        return p - lr * g
    return step


def _rmsprop(lr, alpha=0.99, eps=1e-8):
    def step(p, g, state, t):
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
        return p - lr * g / (np.sqrt(state["v"]) + eps)
    return step


def _adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    def step(p, g, state, t):
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
        m_hat, v_hat = state["m"] / (1 - beta1 ** t), state["v"] / (1 - beta2 ** t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return step


def optimizer_paths():
    runs = {"gradient descent, lr 0.07": _sgd(0.07),
            "momentum 0.9, lr 0.01": _sgd(0.01, momentum=0.9),
            "Nesterov 0.9, lr 0.01": _sgd(0.01, momentum=0.9, nesterov=True),
            "RMSprop, lr 0.05": _rmsprop(0.05),
            "Adam, lr 0.3": _adam(0.3)}
    fig, ax = plt.subplots(figsize=(7.4, 3.4))
    xs, ys = np.meshgrid(np.linspace(-4.6, 1.6, 200), np.linspace(-1.9, 1.9, 120))
    ax.contour(xs, ys, 0.5 * (xs ** 2 + 25 * ys ** 2), levels=np.geomspace(0.05, 60, 12),
               colors="#bbb", linewidths=0.6)
    for label, step in runs.items():
        path = _run(step)
        ax.plot(path[:, 0], path[:, 1], "o-", ms=2, lw=1, label=label)
    ax.plot([0], [0], "k*", ms=9)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title("60 steps on $L = (x^2 + 25 y^2)/2$ from $(-4, 1.5)$")
    ax.legend(loc="lower right", fontsize=7)
    return save(fig)


def amsgrad_steps(steps=1000, beta2=0.999, corrected=True):
    """The effective step ``1/sqrt(v_hat)`` (in units of lr) after one gradient of 1."""
    v = v_max = 0.0
    sizes = []
    for t in range(1, steps + 1):
        g = 1.0 if t == 1 else 0.0
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        v_hat = v_max / (1 - beta2 ** t) if corrected else v_max
        sizes.append(1 / math.sqrt(v_hat))
    sizes = np.array(sizes)
    return sizes / sizes[0]


def amsgrad():
    t = np.arange(1, 1001)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(t, amsgrad_steps(), label="PyTorch (bias-corrected $v_{\\max}$)")
    ax.plot(t, amsgrad_steps(corrected=False), "--", label="Reddi et al. (no correction)")
    ax.set_xlabel("step $t$")
    ax.set_ylabel("effective step / first step")
    ax.set_title("AMSGrad after one gradient of 1, then zeros ($\\beta_2 = 0.999$)")
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 7
def _grid(ax, rows, cols, origin=(0, 0), fc="#fff", ec="#888", values=None):
    x0, y0 = origin
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x0 + j, y0 - i - 1), 1, 1, fc=fc, ec=ec, lw=0.6))
            if values is not None:
                value = values[i][j]
                ax.text(x0 + j + 0.5, y0 - i - 0.5,
                        value if isinstance(value, str) else f"{value:g}",
                        ha="center", va="center")


def _window(ax, top, left, size, color, origin=(0, 0), dilation=1, lw=2.0):
    x0, y0 = origin
    for m in range(size):
        for r in range(size):
            ax.add_patch(Rectangle((x0 + left + r * dilation, y0 - top - m * dilation - 1), 1, 1,
                                   fc=color, ec=color, alpha=0.35, lw=0))
    extent = (size - 1) * dilation + 1
    ax.add_patch(Rectangle((x0 + left, y0 - top - extent), extent, extent, fill=False,
                           ec=color, lw=lw))


def conv_geometry():
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    ax = axes[0]
    _grid(ax, 9, 9, fc="#f3f3f3")
    _grid(ax, 7, 7, origin=(1, -1))
    _window(ax, 0, 0, 3, "C0")
    _window(ax, 0, 2, 3, "C1")
    ax.set_title("kernel 3, stride 2, padding 1\n7x7 input (white), zero ring (grey)")
    _blank(ax, (-0.3, 9.3), (-9.3, 0.3))
    ax = axes[1]
    _grid(ax, 7, 7)
    _window(ax, 0, 0, 3, "C2", dilation=2)
    ax.set_title("kernel 3, dilation 2:\n9 weights over a 5x5 area")
    _blank(ax, (-0.3, 9.3), (-9.3, 0.3))
    ax = axes[2]
    _grid(ax, 6, 6)
    _window(ax, 0, 0, 3, "C0")
    _window(ax, 2, 0, 3, "C1")
    ax.add_patch(Rectangle((0, -6), 6, 1, fc="C3", alpha=0.3, lw=0))
    ax.text(6.2, -5.5, "row 5: in no window,\nzero gradient", va="center", color="C3")
    ax.set_title("H = 6, kernel 3, stride 2, no padding:\n"
                 "(6 - 3) mod 2 = 1 row uncovered")
    _blank(ax, (-0.3, 10.3), (-9.3, 0.3))
    return save(fig)


def im2col():
    fig, ax = plt.subplots(figsize=(10, 3.4))
    colors = ("C0", "C1", "C2", "C4")
    _grid(ax, 4, 4, origin=(0, 0))
    for k, (top, left) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        _window(ax, top, left, 3, colors[k], lw=1.4)
    ax.text(2, -4.6, "input 4x4, kernel 3x3:\n4 windows (2x2 output)", ha="center", va="top")
    ax.annotate("", xy=(6.2, -2), xytext=(4.6, -2), arrowprops={"arrowstyle": "-|>"})
    for k in range(4):
        for c in range(9):
            ax.add_patch(Rectangle((6.6 + c * 0.6, -0.4 - k * 0.9), 0.6, 0.9,
                                   fc=colors[k], alpha=0.35, ec="#888", lw=0.5))
    ax.text(9.3, -4.6, "windows as rows, (4, 9):\n(N Hout Wout, Cin kH kW)", ha="center",
            va="top")
    ax.text(12.9, -2, "@", fontsize=14, ha="center", va="center")
    for c in range(9):
        ax.add_patch(Rectangle((14.0, -0.2 - c * 0.4), 0.6, 0.4, fc="#ddd", ec="#888", lw=0.5))
    ax.text(14.3, -4.6, "weight,\n(9, Cout)", ha="center", va="top")
    ax.text(15.9, -2, "=", fontsize=14, ha="center", va="center")
    for k in range(4):
        ax.add_patch(Rectangle((17.0, -0.4 - k * 0.9), 0.6, 0.9, fc=colors[k], alpha=0.35,
                               ec="#888", lw=0.5))
    ax.text(17.3, -4.6, "output, (4, Cout):\nreshape to (2, 2)", ha="center", va="top")
    _blank(ax, (-0.3, 19), (-5.8, 0.5))
    return save(fig)


def pooling_ties():
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.2))
    ax = axes[0]
    _grid(ax, 2, 2, values=[[1, 3], [3, 2]])
    _grid(ax, 2, 2, origin=(4, 0), values=[[0, 5], [0, 0]])
    ax.add_patch(Rectangle((5, -1), 1, 1, fc="C3", alpha=0.3, lw=0))
    ax.annotate("", xy=(3.8, -1), xytext=(2.2, -1), arrowprops={"arrowstyle": "-|>"})
    ax.text(3, -0.6, "gradient 5", ha="center")
    ax.set_title("ties: all of it to the first maximum\nin row-major order")
    _blank(ax, (-0.3, 6.3), (-3, 0.6))
    ax = axes[1]
    values = [[1, 2, 0], [4, 9, 3], [0, 5, 1]]
    _grid(ax, 3, 3, values=values)
    _grid(ax, 3, 3, origin=(4.5, 0),
          values=[[0, 0, 0], [0, "$\\Sigma g$", 0], [0, 0, 0]])
    ax.add_patch(Rectangle((5.5, -2), 1, 1, fc="C3", alpha=0.3, lw=0))
    ax.annotate("", xy=(4.3, -1.5), xytext=(3.2, -1.5), arrowprops={"arrowstyle": "-|>"})
    ax.set_title("kernel 2, stride 1: the 9 wins all four\noverlapping windows; "
                 "their gradients add")
    _blank(ax, (-0.3, 7.8), (-3.5, 0.6))
    return save(fig)


# ---------------------------------------------------------------- Chapter 8
def rnn_unrolled():
    fig, ax = plt.subplots(figsize=(8.4, 3.2))
    steps = 4
    _box(ax, -0.4, 0, "$H_0$", width=0.7, color="#fff")
    for t in range(1, steps + 1):
        x = 2.2 * t
        _box(ax, x, 0, "cell\n$W_{ih}, W_{hh}$", width=1.3, height=0.8)
        _box(ax, x, -1.7, f"$X_{t}$", width=0.7, color="#fff")
        _box(ax, x, 1.7, f"$H_{t}$", width=0.7, color="#fff")
        _arrow(ax, (x, -1.7), (x, 0))
        _arrow(ax, (x, 0), (x, 1.7))
        _arrow(ax, (x - 2.2 if t > 1 else -0.4, 0), (x, 0))
        ax.text(x + 0.22, 0.95, f"$G_{t}$", color="#b22")
        if t < steps:
            ax.text(x + 1.1, -0.35, "carried", color="#b22", ha="center", fontsize=7)
    _arrow(ax, (2.2 * steps, 0), (2.2 * steps + 1.7, 0))
    ax.text(2.2 * steps + 1.9, 0, "$h_n = H_T$\n($\\bar{H}^{(n)}$)", va="center")
    ax.text(4.9, 2.5, "same weights at every step: their gradients are summed over time",
            ha="center")
    ax.text(4.9, -2.55, "$\\bar{H}_t = G_t$ + the gradient carried back from step $t+1$",
            ha="center", color="#b22")
    _blank(ax, (-1, 11.8), (-2.9, 2.9))
    return save(fig)


def rnn_gradient_norms(scale, hidden=32, steps=60, seed=0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((hidden, hidden)))
    w_hh, w_ih = scale * q, 0.1 * rng.standard_normal((hidden, 4))
    h, product, norms = np.zeros(hidden), np.eye(hidden), []
    for _ in range(steps):
        h = np.tanh(w_hh @ h + w_ih @ rng.standard_normal(4))
        product = ((1 - h * h)[:, None] * w_hh) @ product
        norms.append(np.linalg.norm(product, 2))
    return np.array(norms)


def rnn_gradients():
    fig, ax = plt.subplots(figsize=(6, 3))
    t = np.arange(1, 61)
    for scale in (0.5, 1.0, 2.0):
        ax.plot(t, rnn_gradient_norms(scale), label=f"scale {scale:g}")
    ax.set_yscale("log")
    ax.set_xlabel("$t$")
    ax.set_ylabel("$\\|\\partial h_t / \\partial h_0\\|$")
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 9
def _attention_weights(scores, allowed):
    masked = np.where(allowed, scores, -np.inf)
    row_max = np.max(masked, axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.where(allowed, np.exp(masked - row_max), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1.0)


def attention_masks():
    rng = np.random.default_rng(2)
    n, e = 6, 8
    q, k = rng.standard_normal((n, e)), rng.standard_normal((n, e))
    scores = q @ k.T / math.sqrt(e)
    everything = np.ones((n, n), bool)
    padding = everything.copy()
    padding[:, 4:] = False
    empty_row = everything.copy()
    empty_row[2] = False
    cases = {"no mask": everything, "causal: $j \\leq i$": np.tril(everything),
             "padding: keys 4, 5 hidden": padding, "row 2 allows no key": empty_row}
    fig, axes = plt.subplots(1, 4, figsize=(11, 3.1))
    for ax, (title, allowed) in zip(axes, cases.items(), strict=True):
        weights = _attention_weights(scores, allowed)
        ax.imshow(weights, cmap="Blues", vmin=0, vmax=1)
        for i in range(n):
            for j in range(n):
                ax.text(j, i, "0" if weights[i, j] == 0 else f"{weights[i, j]:.2f}"[1:],
                        ha="center", va="center", fontsize=6.5,
                        color="#fff" if weights[i, j] > 0.6 else "#222")
        ax.set_title(title)
        ax.set_xlabel("key $j$")
        ax.set_xticks(range(n))
        ax.set_yticks(range(n))
    axes[0].set_ylabel("query $i$")
    return save(fig)


# ---------------------------------------------------------------- Chapter 10
def _cube(ax, sizes, chosen, origin=(0.0, 0.0), labels=("N", "C", "H, W")):
    """An oblique (depth, width, height) grid of cells; ``chosen(d, w, h)`` cells shaded."""
    depth, width, height = sizes
    ox, oy = origin
    dx, dy = 0.5, 0.4  # one step of depth, drawn up and to the right

    def cell(corner, across, up, shaded):
        xs = [corner[0], corner[0] + across[0], corner[0] + across[0] + up[0],
              corner[0] + up[0]]
        ys = [corner[1], corner[1] + across[1], corner[1] + across[1] + up[1],
              corner[1] + up[1]]
        ax.fill(xs, ys, fc="C0" if shaded else "#fff", alpha=0.55 if shaded else 1.0,
                ec="#557", lw=0.5)

    for w in range(width):  # front face: depth 0
        for h in range(height):
            cell((ox + w, oy + height - h - 1), (1, 0), (0, 1), chosen(0, w, h))
    for d in range(depth):  # top face: height 0
        for w in range(width):
            cell((ox + w + d * dx, oy + height + d * dy), (1, 0), (dx, dy), chosen(d, w, 0))
    for d in range(depth):  # right face: the last column
        for h in range(height):
            cell((ox + width + d * dx, oy + height - h - 1 + d * dy), (dx, dy), (0, 1),
                 chosen(d, width - 1, h))
    ax.text(ox + width / 2, oy - 0.45, labels[1], ha="center", va="top")
    ax.text(ox - 0.3, oy + height / 2, labels[2], ha="right", va="center")
    ax.text(ox + width + depth * dx / 2 + 0.35, oy + depth * dy / 2 - 0.35, labels[0],
            ha="left", va="center")


def norm_axes():
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.1))
    sizes = (4, 6, 5)
    _cube(axes[0], sizes, lambda n, c, s: c == 2)
    axes[0].set_title("batch_norm, $x$ $(N, C, H, W)$:\none channel, over $N, H, W$")
    _cube(axes[1], sizes, lambda n, c, s: n == 0)
    axes[1].set_title("layer_norm, rms_norm, normalized_shape\n$(C, H, W)$: one example")
    _cube(axes[2], sizes, lambda n, e, position: n == 0 and position == 0,
          labels=("N", "E", "L"))
    axes[2].set_title("layer_norm, rms_norm, $x$ $(N, L, E)$,\n"
                      "normalized_shape $(E,)$: one position")
    for ax in axes:
        _blank(ax, (-1.2, 9.2), (-1.2, 7.2))
    return save(fig)


_NORMS = {
    "batch_norm": lambda a: (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + 1e-5),
    "layer_norm": lambda a: ((a - a.mean(axis=1, keepdims=True))
                             / np.sqrt(a.var(axis=1, keepdims=True) + 1e-5)),
    "rms_norm": lambda a: a / np.sqrt(np.mean(a * a, axis=1, keepdims=True)
                                      + np.finfo(a.dtype).eps),
}


def stack_activation_rms(gain, norm=None, depth=12, width=128, samples=32, seed=0):
    """Root mean square of each layer's output in ``h <- relu(norm(W h))``, W ~ N(0, gain^2/D)."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((samples, width))
    sizes = []
    for _ in range(depth):
        a = h @ (rng.standard_normal((width, width)) * gain / math.sqrt(width)).T
        h = np.maximum(_NORMS[norm](a) if norm else a, 0)
        sizes.append(math.sqrt(np.mean(h * h)))
    return np.array(sizes)


def norm_depth():
    layers = np.arange(1, 13)
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for gain, label, style in ((1.0, "1", "o-"), (math.sqrt(2), "$\\sqrt{2}$", "s-"),
                               (2.0, "2", "^-")):
        ax.plot(layers, stack_activation_rms(gain), style, ms=3, color="C3",
                alpha=0.4 + 0.3 * (gain - 1), label=f"no normalization, gain {label}")
    for norm, marker in zip(_NORMS, "ox+", strict=True):
        ax.plot(layers, stack_activation_rms(2.0, norm), marker=marker, ms=5,
                ls="-" if norm == "batch_norm" else "none",
                label=f"{norm} before each ReLU, any gain")
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("root mean square of the activations")
    ax.set_title("12 layers $h \\leftarrow \\mathrm{relu}(W h)$, $W$ of variance gain$^2 / D$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    return save(fig)


# ---------------------------------------------------------------- Chapter 11
def _lr(step, schedule, base_lr=0.1, total=100):
    """torch's rate after ``step`` scheduler steps (course.md, Chapter 11)."""
    if schedule == "step":
        return base_lr * 0.5 ** (step // 25)
    t, t_max, start, end = step, total, base_lr, 0.0
    if schedule == "linear_warmup_cosine":
        if step < 10:
            return base_lr * (1 / 10 + (1 - 1 / 10) * step / 10)
        t, t_max = step - 10, total - 10
    elif schedule == "onecycle":
        peak = 0.3 * total - 1
        start, end, t, t_max = base_lr / 25, base_lr, step, peak
        if step > peak:
            start, end, t, t_max = base_lr, base_lr / 25 / 1e4, step - peak, total - 1 - peak
        return end + (start - end) / 2 * (1 + math.cos(math.pi * t / t_max))
    return end + (start - end) * (1 + math.cos(math.pi * t / t_max)) / 2


def lr_schedules():
    steps = np.arange(100)
    runs = {"'step', step_size 25, gamma 0.5": "step", "'cosine', T_max 100": "cosine",
            "'linear_warmup_cosine', 10 warm-up steps": "linear_warmup_cosine",
            "'onecycle', max_lr 0.1": "onecycle"}
    fig, ax = plt.subplots(figsize=(6.4, 3))
    for label, schedule in runs.items():
        ax.plot(steps, [_lr(t, schedule) for t in steps], label=label,
                drawstyle="steps-post" if schedule == "step" else "default")
    ax.set_xlabel("step (calls of scheduler.step())")
    ax.set_ylabel("learning rate")
    ax.set_title("lr_at(step, schedule, base_lr=0.1), 100 steps")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    return save(fig)


def clipping():
    grads = {"$(3, 1.2)$": np.array([3.0, 1.2]), "$(0.5, -0.3)$: both keep it":
             np.array([0.5, -0.3])}
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.add_patch(plt.Circle((0, 0), 1, fill=False, ec="C0", lw=1.2))
    ax.add_patch(Rectangle((-1, -1), 2, 2, fill=False, ec="C3", lw=1.0, ls="--"))
    ax.text(0, -0.55, "joint\nnorm $\\leq 1$", color="C0", ha="center", va="center",
            fontsize=8)
    ax.text(0, -1.12, "each one $\\leq 1$", color="C3", ha="center", va="top", fontsize=8)
    styles = (("#777", 1.0, "the gradients of parameters $a$ and $b$ (one value each)"),
              ("C3", 1.6, "each clipped by its own norm: the direction turns"),
              ("C0", 1.6, "clip_grad_norm, max_norm 1: shorter, same direction"))
    for label, g in grads.items():
        joint = g * min(1 / (np.linalg.norm(g) + 1e-6), 1)
        alone = np.clip(g, -1, 1)  # a one-value gradient's own norm is its absolute value
        for end, (color, lw, _) in zip((g, alone, joint), styles, strict=True):
            ax.annotate("", xy=end, xytext=(0, 0),
                        arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw})
        ax.text(g[0] + 0.1, g[1], label, va="center", fontsize=8)
    ax.legend([plt.Line2D([], [], color=c, lw=w) for c, w, _ in styles],
              [text for _, _, text in styles], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.02, 1))
    ax.set_xlabel("gradient of $a$")
    ax.set_ylabel("gradient of $b$")
    ax.set_xlim(-1.4, 4.6)
    ax.set_ylim(-1.6, 1.6)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    return save(fig)

# ---------------------------------------------------------------- Chapter 12
def _path(ax, points, color="#333"):
    """A polyline through ``points`` with an arrowhead at the end, no gaps."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, color=color, lw=1.2)
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.2,
                            "shrinkA": 0, "shrinkB": 0})


def _plus(ax, x, y):
    ax.add_patch(plt.Circle((x, y), 0.22, fc="#fff", ec="#335", zorder=3))
    ax.text(x, y, "+", ha="center", va="center", zorder=4)


def _branch(ax, start, end, boxes, y=1.5, width=0.95):
    """A residual branch: up from the line at ``start``, through ``boxes``, back at ``end``."""
    xs = [x for x, _ in boxes]
    _path(ax, [(start, 0), (start, y), (xs[0] - width / 2, y)])
    for (x, text), nxt in zip(boxes, [*xs[1:], None], strict=True):
        _box(ax, x, y, text, width=width, height=0.75)
        if nxt is not None:
            _path(ax, [(x + width / 2, y), (nxt - width / 2, y)])
    _path(ax, [(xs[-1] + width / 2, y), (end, y), (end, 0.22)])
    _plus(ax, end, 0)


def transformer_block():
    fig, ax = plt.subplots(figsize=(12, 3.4))
    _box(ax, 0, 0, "tokens\n$(N, L)$", width=1.1, height=0.75, color="#fff")
    _box(ax, 1.7, 0, "embedding\n$(V, E)$", width=1.5, height=0.75)
    _box(ax, 3.5, 1.5, "positional\nencoding", width=1.4, height=0.75, color="#fff")
    _path(ax, [(0.55, 0), (1.0, 0)])
    _path(ax, [(2.4, 0), (3.28, 0)])
    _path(ax, [(3.5, 1.12), (3.5, 0.22)])
    _plus(ax, 3.5, 0)
    ax.plot([3.72, 14.28], [0, 0], color="#333", lw=2.2, zorder=1)
    _branch(ax, 4.5, 8.0, [(5.5, "layer\nnorm"), (6.85, "causal\nattention")], width=1.15)
    _branch(ax, 8.8, 14.5, [(9.7, "layer\nnorm"), (11.0, "linear\n$W_1$"),
                            (12.3, "gelu"), (13.6, "linear\n$W_2$")], width=1.15)
    ax.add_patch(FancyBboxPatch((4.1, -0.7), 10.8, 3.0, boxstyle="round,pad=0.05",
                                fill=False, ec="#888", ls="--"))
    ax.text(14.8, 2.45, "$\\times 2$: a pre-norm block", ha="right", va="bottom", color="#555")
    _box(ax, 15.8, 0, "layer\nnorm", width=1.15, height=0.75)
    _box(ax, 17.2, 0, "linear", width=1.15, height=0.75)
    _box(ax, 18.8, 0, "logits\n$(N, L, V)$", width=1.4, height=0.75, color="#fff")
    _path(ax, [(14.72, 0), (15.22, 0)])
    _path(ax, [(16.38, 0), (16.62, 0)])
    _path(ax, [(17.78, 0), (18.1, 0)])
    ax.text(9.5, -0.35, "the residual stream $x$, $(N, L, E)$", ha="center", va="top")
    ax.text(9.5, -1.05, "backward: at each $+$ the gradient of $x$ goes on unchanged along the "
            "line, and the branch adds its own", ha="center", va="top", color="#b22")
    _blank(ax, (-0.7, 19.7), (-1.5, 2.9))
    return save(fig)

def positional_encoding(length, dim):
    """The sinusoidal encoding: columns 2i and 2i+1, sin and cos of pos / 10000^(2i/dim)."""
    angle = np.arange(length)[:, None] / 10000 ** (np.arange(0, dim, 2) / dim)
    encoding = np.empty((length, dim))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angle), np.cos(angle)
    return encoding


def positional_encodings():
    encoding = positional_encoding(64, 64)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), width_ratios=(1, 1.3),
                             layout="constrained")
    image = axes[0].imshow(encoding, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    fig.colorbar(image, ax=axes[0], fraction=0.05)
    axes[0].set_xlabel("column ($2i$: sin, $2i + 1$: cos)")
    axes[0].set_ylabel("position")
    axes[0].set_title("$\\mathrm{PE}$, 64 positions, $E = 64$")
    offsets = np.arange(-10, 11)
    for p, marker in zip((10, 30, 50), "ox+", strict=True):
        axes[1].plot(offsets, encoding[p] @ encoding[p + offsets].T, marker=marker, ms=5,
                     ls="-" if p == 10 else "none", label=f"$p = {p}$")
    axes[1].set_xlabel("offset $q - p$")
    axes[1].set_xticks(offsets[::5])
    axes[1].set_ylabel("$\\mathrm{PE}_p \\cdot \\mathrm{PE}_q$")
    axes[1].set_title("the dot product depends on $q - p$ only")
    axes[1].grid(alpha=0.3)
    axes[1].legend()
    return save(fig)


# ---------------------------------------------------------------- Chapter 13
def _times(ax, x, y):
    ax.add_patch(plt.Circle((x, y), 0.22, fc="#fff", ec="#335", zorder=3))
    ax.text(x, y, "$\\times$", ha="center", va="center", zorder=4)


def lstm_cell():
    fig, ax = plt.subplots(figsize=(8.4, 4))
    top = 2.4
    ax.text(-0.1, top, "$c_{t-1}$", ha="right", va="center")
    ax.text(9.1, top, "$c_t$", ha="left", va="center")
    _path(ax, [(0, top), (2.18, top)])
    _times(ax, 2.4, top)
    _path(ax, [(2.62, top), (4.38, top)])
    _plus(ax, 4.6, top)
    _path(ax, [(4.82, top), (9.0, top)])
    gates = {"f": (2.4, "$\\sigma$", "forget"), "i": (3.6, "$\\sigma$", "input"),
             "g": (4.8, "tanh", "candidate"), "o": (6.0, "$\\sigma$", "output")}
    for name, (x, text, role) in gates.items():
        _box(ax, x, 0, text, width=0.8, height=0.55)
        ax.text(x + 0.45, -0.45, f"${name}$", color="#224", va="center")
        ax.text(x, -0.7, role, ha="center", va="top", fontsize=7, color="#555")
    _path(ax, [(2.4, 0.28), (2.4, top - 0.22)])
    _times(ax, 4.2, 1.2)
    _path(ax, [(3.6, 0.28), (3.6, 1.2), (3.98, 1.2)])
    _path(ax, [(4.8, 0.28), (4.8, 1.2), (4.42, 1.2)])
    _path(ax, [(4.2, 1.42), (4.2, 1.8), (4.6, 1.8), (4.6, top - 0.22)])
    _box(ax, 7.4, 1.25, "tanh", width=0.8, height=0.5)
    _path(ax, [(7.4, top), (7.4, 1.5)])
    _times(ax, 7.4, 0)
    _path(ax, [(7.4, 1.0), (7.4, 0.22)])
    _path(ax, [(6.4, 0), (7.18, 0)])
    _path(ax, [(7.62, 0), (9.0, 0)])
    ax.text(9.1, 0, "$h_t$", ha="left", va="center")
    _box(ax, 4.2, -1.9, "$a = x_t W_{ih}^\\top + b_{ih} + h_{t-1} W_{hh}^\\top + b_{hh}$\n"
         "$(N, 4H)$, in blocks $a_i, a_f, a_g, a_o$", width=7.0, height=0.8, color="#fff")
    for x, _, _ in gates.values():
        _path(ax, [(x, -1.5), (x, -0.98)], color="#888")
    _path(ax, [(-0.3, -1.9), (0.7, -1.9)])
    ax.text(-0.4, -1.9, "$h_{t-1}$", ha="right", va="center")
    _path(ax, [(4.2, -3.0), (4.2, -2.3)])
    ax.text(4.2, -3.1, "$x_t$", ha="center", va="top")
    ax.text(4.5, top + 0.35, "backward along $c$: one step multiplies by $f$, elementwise "
            "(no $W_{hh}$, no tanh$'$)", ha="center", va="bottom", color="#b22")
    _blank(ax, (-1.1, 9.8), (-3.5, 3.2))
    return save(fig)


def _sigmoid(a):
    return 0.5 * (1 + np.tanh(a / 2))  # never overflows


def recurrent_setup(cell, forget_bias=0.0, hidden=32, steps=40, samples=16, seed=0):
    """The capstone's setting at initialisation: ``(x, weight_ih, weight_hh, bias, grad_h_n)``.

    ``x (steps, samples, 8)``: one-hot symbols; torch's initial weights
    U(-1/sqrt(H), 1/sqrt(H)), one bias (``bias_ih + bias_hh`` in one), the
    LSTM's forget-gate block raised by ``forget_bias``; a random gradient of
    the last hidden state.
    """
    rng = np.random.default_rng(seed)
    x = np.eye(8)[rng.integers(0, 8, (steps, samples))]
    gates = 4 if cell == "lstm" else 1
    bound = 1 / math.sqrt(hidden)
    w_ih, w_hh, bias = (rng.uniform(-bound, bound, shape) for shape in
                        ((gates * hidden, 8), (gates * hidden, hidden), (gates * hidden,)))
    bias[hidden:2 * hidden] += forget_bias if cell == "lstm" else 0.0
    return x, w_ih, w_hh, bias, rng.standard_normal((samples, hidden))


def gated_gradient_norms(cell, forget_bias=0.0):
    """|gradient| reaching the input at each step, from a random one on the last state only.

    Relative to the gradient reaching the last input (see ``recurrent_setup``).
    """
    x, w_ih, w_hh, bias, grad_h = recurrent_setup(cell, forget_bias)
    steps, samples, hidden = x.shape[0], x.shape[1], w_hh.shape[1]
    h, c, cache = np.zeros((samples, hidden)), np.zeros((samples, hidden)), []
    for t in range(steps):
        a = x[t] @ w_ih.T + h @ w_hh.T + bias
        if cell == "rnn":
            h = np.tanh(a)
            cache.append(h)
            continue
        i, f, o = (_sigmoid(a[:, k * hidden:(k + 1) * hidden]) for k in (0, 1, 3))
        g = np.tanh(a[:, 2 * hidden:3 * hidden])
        cache.append((c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
    grad_c, sizes = 0.0, []
    for t in reversed(range(steps)):
        if cell == "rnn":
            grad_a = grad_h * (1 - cache[t] ** 2)
        else:
            c_prev, i, f, g, o = cache[t]
            tanh_c = np.tanh(f * c_prev + i * g)
            grad_c = grad_c + grad_h * o * (1 - tanh_c ** 2)
            grad_a = np.concatenate([grad_c * g * i * (1 - i), grad_c * c_prev * f * (1 - f),
                                     grad_c * i * (1 - g ** 2),
                                     grad_h * tanh_c * o * (1 - o)], axis=1)
            grad_c = grad_c * f
        sizes.append(np.linalg.norm(grad_a @ w_ih))
        grad_h = grad_a @ w_hh
    sizes = np.array(sizes[::-1])
    return sizes / sizes[-1]


def gated_gradients():
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    t = np.arange(1, 41)
    ax.plot(t, gated_gradient_norms("rnn"), "o-", ms=2.5, color="C3", label="tanh RNN")
    for k, bias in enumerate((0.0, 1.0, 3.0)):
        ax.plot(t, gated_gradient_norms("lstm", bias), "o-", ms=2.5, color=f"C{k}",
                label=f"LSTM, forget bias + {bias:g}: $f \\approx$ {1 / (1 + math.exp(-bias)):.2f}")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$ of 40 (the gradient enters at step 40)")
    ax.set_ylabel("|gradient reaching $x_t$|, relative")
    ax.set_title("the capstone's networks at initialisation, $H = 32$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return save(fig)


# ---------------------------------------------------------------- Chapter 14
def step_cost():
    m, d, k = 256, 512, 512
    parts = {"forward\n$XW^\\top$": m * d * k, "backward\n$\\bar{X} = GW$": m * d * k,
             "backward\n$\\bar{W} = G^\\top X$": m * d * k, "update\n(SGD)": d * k}
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(range(len(parts)), [v / 1e6 for v in parts.values()],
           color=["C0", "C3", "C3", "C2"])
    ax.set_xticks(range(len(parts)), labels=list(parts))
    ax.set_ylabel("million multiply-adds")
    ax.set_title("one step of a linear layer, M = 256, D = K = 512")
    return save(fig)


FIGURES = {
    "network": network, "computation-graph": computation_graph,
    "activation-stack": activation_stack, "logistic-separable": logistic_separable,
    "founding-example": founding_example, "optimizer-paths": optimizer_paths,
    "amsgrad": amsgrad, "conv-geometry": conv_geometry, "im2col": im2col,
    "pooling-ties": pooling_ties, "rnn-unrolled": rnn_unrolled,
    "rnn-gradients": rnn_gradients, "attention-masks": attention_masks,
    "norm-axes": norm_axes, "norm-depth": norm_depth, "lr-schedules": lr_schedules,
    "clipping": clipping, "transformer-block": transformer_block,
    "positional-encodings": positional_encodings, "lstm-cell": lstm_cell,
    "gated-gradients": gated_gradients,
    "step-cost": step_cost,
}


def render(name: str) -> bytes:
    """The SVG bytes of one figure."""
    with plt.rc_context(STYLE):
        np.random.seed(0)  # matplotlib draws nothing at random, but be sure
        return FIGURES[name]()


def stale(folder: Path = HERE) -> list[str]:
    """The figures whose file in ``folder`` is missing or differs from a fresh render."""
    return [name for name in FIGURES
            if not (folder / f"{name}.svg").is_file()
            or (folder / f"{name}.svg").read_bytes() != render(name)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a figure is stale or missing")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for name in problems:
            print(f"docs/figures/{name}.svg is stale or missing", file=sys.stderr)
        if problems:
            print("run: python docs/figures/make_figures.py", file=sys.stderr)
        return 1 if problems else 0
    for name in FIGURES:
        target = HERE / f"{name}.svg"
        data = render(name)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
            print(f"wrote docs/figures/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
