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
    axes[0].set_ylim(1e-25, 1e3)
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
