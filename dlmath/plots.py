"""Plotting helpers shared by the course notebooks (matplotlib, ungraded).

Figures are plain :class:`matplotlib.figure.Figure` objects, drawn with the
Agg renderer: no pyplot, no GUI backend, no global figure list. Build one with
:func:`figure`, draw on its axes (with the helpers below or matplotlib's own
methods), then :func:`show` it::

    from dlmath import plots
    fig, ax = plots.figure()
    ax.plot(x, y)
    plots.show(fig)          # inline in a notebook; plots.show(fig, "out.png") saves

:func:`show` displays the PNG in a notebook whatever ``MPLBACKEND`` says, so
the notebooks behave the same in Jupyter, under ``nbclient`` and in CI.
"""

import io
import math

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

CMAP = "viridis"  # sequential data: weights, activations, probabilities
DIVERGING = "RdBu_r"  # signed data centred on 0: filters, feature maps, gradients


def figure(nrows=1, ncols=1, size=(4.0, 3.0), **subplot_kw):
    """A new figure with an ``nrows x ncols`` grid of axes, each ``size`` inches.

    Returns ``(fig, axes)``: ``axes`` is one Axes for a 1x1 grid, a 1-D array
    for a single row or column, else a 2-D array (as ``plt.subplots``).
    """
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, subplot_kw=subplot_kw or None)
    return fig, axes


def png(fig, dpi=100):
    """The figure rendered as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def show(fig, path=None, dpi=100):
    """Display ``fig`` inline when running in IPython/Jupyter; save it to ``path`` if given.

    Outside IPython, without ``path``, nothing is drawn.
    """
    if path is not None:
        fig.savefig(path, dpi=dpi)
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    if get_ipython() is not None:
        display(Image(data=png(fig, dpi), format="png"))


def curves(ax, x, ys, title=None, xlabel=None, ylabel=None, styles=None, logy=False,
           zero_lines=True):
    """Plot several curves over the same ``x``: ``ys`` maps each label to its ``y``.

    ``styles`` maps a label to keyword arguments of ``ax.plot`` (colour,
    line style...). Draws thin axes through 0 when ``zero_lines``.
    """
    styles = styles or {}
    for label, y in ys.items():
        ax.plot(x, y, label=label, **styles.get(label, {}))
    if zero_lines:
        ax.axhline(0, color="0.7", lw=0.8, zorder=0)
        ax.axvline(0, color="0.7", lw=0.8, zorder=0)
    if logy:
        ax.set_yscale("log")
    _label(ax, title, xlabel, ylabel)
    ax.legend(fontsize="small")


def function_and_derivative(ax, x, y, dy, name, numeric=None, every=20):
    """``name(x)`` and its derivative ``dy`` on one axes; ``numeric`` (optional) as dots.

    ``numeric`` is a finite-difference derivative of the same function,
    plotted at every ``every``-th point so that it can be compared with ``dy``.
    """
    ax.plot(x, y, label=f"{name}(x)", lw=2)
    ax.plot(x, dy, label=f"{name}'(x) (your backward)", lw=2, ls="--")
    if numeric is not None:
        ax.plot(x[::every], numeric[::every], "k.", ms=4, label="finite differences")
    ax.axhline(0, color="0.7", lw=0.8, zorder=0)
    ax.axvline(0, color="0.7", lw=0.8, zorder=0)
    _label(ax, name, "x", None)
    ax.legend(fontsize="x-small", loc="upper left")


def heatmap(ax, matrix, title=None, xlabel=None, ylabel=None, xticklabels=None,
            yticklabels=None, cmap=CMAP, vmin=None, vmax=None, centered=False,
            colorbar=True, annotate=False, fmt="{:.2f}"):
    """Show a 2-D array as an image, row 0 at the top; returns the image.

    ``centered`` uses the diverging colour map with limits symmetric around 0.
    ``annotate`` writes each value in its cell (for small matrices).
    """
    matrix = np.asarray(matrix, dtype=float)
    if centered:
        bound = float(np.max(np.abs(matrix))) or 1.0
        cmap, vmin, vmax = DIVERGING, -bound, bound
    image = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto",
                      interpolation="nearest")
    if xticklabels is not None:
        ax.set_xticks(range(len(xticklabels)), labels=[str(t) for t in xticklabels])
    if yticklabels is not None:
        ax.set_yticks(range(len(yticklabels)), labels=[str(t) for t in yticklabels])
    if annotate:
        low, high = image.get_clim()
        middle = (low + high) / 2
        for (i, j), value in np.ndenumerate(matrix):
            bright = value > middle if not centered else abs(value) < 0.5 * high
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize="x-small",
                    color="black" if bright else "white")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.85)
    _label(ax, title, xlabel, ylabel)
    return image


def image_grid(images, row_labels=None, col_labels=None, cmap="gray_r", centered=False,
               size=1.3, suptitle=None):
    """A figure with one small image per cell; returns the figure.

    ``images`` is an array ``(R, C, H, W)`` (or ``(C, H, W)`` for one row), or
    a list of rows, each a list of 2-D arrays (sizes may differ; ``None``
    leaves a cell empty). ``centered`` (a bool, or one bool per column) draws
    an image with the diverging colour map and limits symmetric around 0, for
    filters and feature maps; otherwise ``cmap`` is used.
    """
    if isinstance(images, np.ndarray):
        images = images[None] if images.ndim == 3 else images
    rows = [list(row) for row in images]
    n_rows, n_cols = len(rows), max(len(row) for row in rows)
    if isinstance(centered, bool):
        centered = [centered] * n_cols
    fig, axes = figure(n_rows, n_cols, size=(size, size))
    axes = np.asarray(axes).reshape(n_rows, n_cols)
    for (i, j), ax in np.ndenumerate(axes):
        image = rows[i][j] if j < len(rows[i]) else None
        ax.set_xticks([])
        ax.set_yticks([])
        if image is None:
            ax.set_axis_off()
            continue
        image = np.asarray(image, dtype=float)
        if centered[j]:
            bound = float(np.max(np.abs(image))) or 1.0
            ax.imshow(image, cmap=DIVERGING, vmin=-bound, vmax=bound, interpolation="nearest")
        else:
            ax.imshow(image, cmap=cmap, interpolation="nearest")
        if col_labels is not None and i == 0:
            ax.set_title(str(col_labels[j]), fontsize="small")
        if row_labels is not None and j == 0:
            ax.set_ylabel(str(row_labels[i]), fontsize="small")
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def loss_surface(ax, f, xlim, ylim, levels=30, resolution=200, log=True, title=None):
    """Filled contours of ``f(x, y)`` (vectorised over arrays) on ``xlim x ylim``.

    ``log`` spaces the levels logarithmically (for surfaces with a deep valley).
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = f(X, Y)
    if log:
        low = max(float(Z.min()), 1e-3)
        bounds = np.geomspace(low, float(Z.max()), levels)
        ax.contourf(X, Y, np.maximum(Z, low), levels=bounds, norm=LogNorm(), cmap="Greys")
    else:
        ax.contourf(X, Y, Z, levels=levels, cmap="Greys")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    _label(ax, title, "x", "y")


def path(ax, points, label=None, color="C0", minimum=None):
    """An optimisation path ``points (K, 2)``: line with dots, start and end marked.

    ``minimum`` (a pair) marks the true minimiser with a star.
    """
    points = np.asarray(points)
    ax.plot(points[:, 0], points[:, 1], "-", color=color, lw=1.2, label=label)
    ax.plot(points[:, 0], points[:, 1], ".", color=color, ms=2.5)
    ax.plot(*points[0], "o", color=color, mfc="white", ms=6)
    ax.plot(*points[-1], "s", color=color, ms=5)
    if minimum is not None:
        ax.plot(*minimum, "*", color="gold", mec="black", ms=13, zorder=5)


def grid_shape(n, max_cols=8):
    """``(rows, cols)`` of a grid holding ``n`` cells in rows of at most ``max_cols``."""
    cols = max(1, min(n, max_cols))
    return math.ceil(n / cols), cols


def _label(ax, title, xlabel, ylabel):
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
