"""Check your backward against finite differences of your forward (ungraded).

For a forward/backward pair written to the exercise API::

    from dlmath.gradcheck import check_gradients
    import linear                       # your unit file
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    result = check_gradients(linear.linear_forward, linear.linear_backward, [x, w, b])
    assert result                       # True when every gradient matched

How it works. Floating-point inputs are copied to float64. A random upstream
gradient ``g`` (standard normal, seeded; never all ones, which would hide
mistakes such as a missing transpose or a wrong sum axis) is drawn for the
output, and ``backward(g, cache)`` gives the analytic gradients. The numeric
gradient of ``L = sum(out * g)`` is taken by central differences,
``(L(x + eps) - L(x - eps)) / (2 eps)``, element by element. For each input
the report gives the relative error ``max|analytic - numeric| / max(|analytic|,
|numeric|)``; a correct backward scores about 1e-8 or less, a wrong one
usually 1e-2 or more.

Conventions (those of the exercise API): ``forward(*inputs, **kwargs)``
returns ``(out, cache)``; ``out`` may be an array, a float (losses: then ``g``
is a float) or a tuple of arrays (``rnn_forward``: then backward is called as
``backward(g_1, g_2, ..., cache)``). Backward returns the gradients in the
order of the inputs, one per input up to the last it returns (so a loss
returns only the gradient for ``input``, and ``target`` is not checked); for an
input that is ``None`` it must return ``None``. Inputs that are not floating
arrays (integer targets, boolean masks, numbers) are passed through unchecked.
"""

import dataclasses
import inspect

import numpy as np


class GradcheckError(AssertionError):
    """Raised by :func:`check_gradients` with ``raise_on_failure=True``."""


@dataclasses.dataclass
class GradcheckResult:
    """The verdict: ``passed``, per-input ``errors`` and the ``report`` text.

    ``errors`` maps each checked input's name to its relative error (``None``
    when it could not be compared); ``problems`` lists what went wrong.
    A result is truthy exactly when it passed.
    """

    passed: bool
    errors: dict
    problems: list
    report: str

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self.report


def check_gradients(forward, backward, inputs, kwargs=None, *, eps=1e-6, rtol=1e-5, atol=1e-8,
                    seed=0, max_elements=1000, verbose=True, raise_on_failure=False):
    """Compare ``backward`` with central differences of ``forward``.

    Args:
        forward: ``forward(*inputs, **kwargs) -> (out, cache)``.
        backward: ``backward(grad_output, cache) -> grads`` (see module docs).
        inputs: list of the forward's positional arguments.
        kwargs: dict of keyword arguments for ``forward`` (e.g. ``{"dim": 0}``).
        eps: finite-difference step.
        rtol: largest relative error accepted.
        atol: an absolute error this small is accepted whatever the relative
            error (for gradients that are zero up to rounding).
        seed: seed of the random upstream gradient and element sampling.
        max_elements: check at most this many randomly chosen elements per
            input (``None``: all of them).
        verbose: print the report.
        raise_on_failure: raise :class:`GradcheckError` instead of returning
            a failed result.

    Returns:
        a :class:`GradcheckResult` (truthy when every gradient matched).
    """
    kwargs = dict(kwargs or {})
    rng = np.random.default_rng(seed)
    xs = [_as_float64(value) for value in inputs]
    names = _input_names(forward, len(xs))
    originals = [np.copy(x) if _is_float_array(x) else None for x in xs]

    out, cache = forward(*xs, **kwargs)
    upstream = _random_like(out, rng)
    upstream_copy = _copy_tree(upstream)
    grads = backward(*upstream, cache) if isinstance(out, tuple) else backward(upstream, cache)
    grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)

    problems = _in_place_problems(xs, originals, names, upstream, upstream_copy)
    if len(grads) > len(xs):
        problems.append(f"backward returned {len(grads)} gradients for {len(xs)} inputs")

    def objective():
        value, _ = forward(*xs, **kwargs)
        return _inner(value, upstream)

    errors, lines = {}, []
    for i, (x, grad) in enumerate(zip(xs, grads, strict=False)):
        line, error, problem = _check_one(names[i], x, grad, objective, eps, rtol, atol,
                                          max_elements, rng)
        lines.append(line)
        if error is not False:
            errors[names[i]] = error
        if problem:
            problems.append(problem)
    for name in names[len(grads):]:
        lines.append(f"  {name:<14} no gradient returned: not checked")

    passed = not problems
    report = _report(forward, eps, seed, lines, problems)
    if verbose:
        print(report)
    if raise_on_failure and not passed:
        raise GradcheckError(report)
    return GradcheckResult(passed, errors, problems, report)


def _check_one(name, x, grad, objective, eps, rtol, atol, max_elements, rng):
    """Returns ``(report line, relative error or None or False, problem or None)``.

    The error is ``False`` for an input that is not checked at all.
    """
    if x is None:
        if grad is None:
            return f"  {name:<14} None input, None gradient: ok", False, None
        return (f"  {name:<14} None input but a gradient was returned: WRONG", None,
                f"{name}: gradient for a None input must be None")
    if not _is_float_array(x):
        return f"  {name:<14} not a floating array: not checked", False, None
    shape = str(x.shape)
    if grad is None:
        return (f"  {name:<14} {shape:<14} gradient is None: WRONG", None,
                f"{name}: backward returned None")
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape:
        return (f"  {name:<14} {shape:<14} gradient has shape {grad.shape}: WRONG", None,
                f"{name}: gradient shape {grad.shape} differs from input shape {x.shape}")
    flat = _chosen_elements(x.size, max_elements, rng)
    numeric = _numeric_gradient(x, flat, objective, eps)
    analytic = grad.reshape(-1)[flat]
    abs_err = float(np.max(np.abs(analytic - numeric), initial=0.0))
    scale = float(max(np.max(np.abs(analytic), initial=0.0), np.max(np.abs(numeric), initial=0.0)))
    rel_err = abs_err / scale if scale > 0 else 0.0
    ok = rel_err <= rtol or abs_err <= atol
    checked = "" if len(flat) == x.size else f", {len(flat)} of {x.size} elements"
    line = (f"  {name:<14} {shape:<14} max rel error {rel_err:.2e} "
            f"(abs {abs_err:.2e}{checked}): {'ok' if ok else 'WRONG'}")
    problem = None if ok else f"{name}: relative error {rel_err:.2e} > {rtol:.0e}"
    return line, rel_err, problem


def _numeric_gradient(x, flat, objective, eps):
    """Central differences of ``objective()`` wrt the elements ``flat`` of ``x``."""
    view = x.reshape(-1)  # x is our own contiguous float64 copy: a view
    numeric = np.empty(len(flat))
    for k, j in enumerate(flat):
        saved = view[j]
        view[j] = saved + eps
        plus = objective()
        view[j] = saved - eps
        minus = objective()
        view[j] = saved
        numeric[k] = (plus - minus) / (2 * eps)
    return numeric


def _chosen_elements(size, max_elements, rng):
    if max_elements is None or size <= max_elements:
        return np.arange(size)
    return np.sort(rng.choice(size, size=max_elements, replace=False))


def _is_float_array(x):
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def _as_float64(value):
    if _is_float_array(value):
        return np.array(value, dtype=np.float64, order="C", copy=True)
    return value


def _random_like(out, rng):
    """Standard-normal upstream gradient shaped like ``out`` (a float if 0-d)."""
    if isinstance(out, tuple):
        return tuple(None if o is None else _random_like(o, rng) for o in out)
    shape = np.shape(out)
    return float(rng.standard_normal()) if shape == () else rng.standard_normal(shape)


def _inner(out, upstream):
    """``sum(out * upstream)``, summed over the parts of a tuple output."""
    if isinstance(out, tuple):
        return sum(_inner(o, g) for o, g in zip(out, upstream, strict=True) if g is not None)
    return float(np.sum(np.asarray(out, dtype=np.float64) * upstream))


def _copy_tree(value):
    if isinstance(value, tuple):
        return tuple(_copy_tree(v) for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value


def _in_place_problems(xs, originals, names, upstream, upstream_copy):
    problems = [f"{name}: modified in place by forward or backward"
                for name, x, orig in zip(names, xs, originals, strict=True)
                if orig is not None and not np.array_equal(x, orig, equal_nan=True)]
    if not _tree_equal(upstream, upstream_copy):
        problems.append("grad_output: modified in place by backward")
    return problems


def _tree_equal(a, b):
    if isinstance(a, tuple):
        return all(_tree_equal(u, v) for u, v in zip(a, b, strict=True))
    return a is None or np.array_equal(a, b)


def _input_names(forward, count):
    try:
        params = list(inspect.signature(forward).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [positional[i] if i < len(positional) else f"input {i}" for i in range(count)]


def _report(forward, eps, seed, lines, problems):
    title = getattr(forward, "__name__", type(forward).__name__)
    verdict = "PASSED" if not problems else "FAILED: " + "; ".join(problems)
    return "\n".join([f"gradcheck {title} (float64, eps={eps:g}, seed={seed})", *lines,
                      f"verdict: {verdict}"])
