"""The activations unit's hidden checks, translated for nbgrader and Otter-Grader.

Each rubric check of ``grader/rubric/activations.toml`` becomes one block of
plain Python with asserts, as an instructor writes a hidden test cell: the
same functions, check names and points, the same kinds of inputs (zeros for
the subgradient, every ``dim``, slopes, inputs up to 1e4, float32, two
interleaved layers) and the same tolerances. The expected values are
computed here once with torch in float64 and written into the test as
literals, so the peers' tests never import torch (what instructors do with
precomputed answers). What the translation leaves out: hypothesis's many
generated examples (a few fixed cases per check instead), the rubric's
``depends`` (a backward check counts even when its forward fails) and the
feedback's diagnoses (a failing assert is all a student sees).
"""

import numpy as np
import torch

from grader.score.rubric import load_rubric

TORCH = {
    "relu": lambda x: torch.relu(x),
    "leaky_relu": lambda x, negative_slope=0.01: torch.nn.functional.leaky_relu(
        x, negative_slope),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda x, dim=-1: torch.softmax(x, dim),
    "log_softmax": lambda x, dim=-1: torch.log_softmax(x, dim),
}
ALL = tuple(TORCH)
EXTREMES = [-1e4, -1e3, -50.0, -1.0, 0.0, 1.0, 50.0, 1e3, 1e4]
TOLERANCE = "rtol=1e-6, atol=1e-8"
FLOAT32_TOLERANCE = "rtol=1e-4, atol=1e-5"
PRELUDE = "import warnings\nimport numpy as np\n"


def random_array(shape, seed: int, zeros: bool = False, dtype=np.float64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 2.0
    if zeros:
        x[rng.random(shape) < 0.2] = 0.0
    return x.astype(dtype)


def upstream(shape, seed: int, dtype=np.float64) -> np.ndarray:
    return np.random.default_rng(seed ^ 0x5EED).standard_normal(shape).astype(dtype)


def reference(name: str, x: np.ndarray, grad: np.ndarray, **kwargs):
    """torch's output and gradient, in float64, cast back to x's dtype."""
    t = torch.tensor(x.astype(np.float64), requires_grad=True)
    out = TORCH[name](t, **kwargs)
    out.backward(torch.tensor(grad.astype(np.float64)))
    return out.detach().numpy().astype(x.dtype), t.grad.numpy().astype(x.dtype)


def lit(a: np.ndarray) -> str:
    """``a`` as a Python literal that rebuilds it exactly."""
    return f"np.array({a.astype(np.float64).tolist()!r}, dtype=np.{a.dtype})"


def args(kwargs: dict) -> str:
    return "".join(f", {k}={v!r}" for k, v in kwargs.items())


def value_case(name: str, x: np.ndarray, seed: int, forward: bool, **kwargs) -> str:
    """Assert the forward's values, or the backward's gradient, for one input."""
    grad = upstream(x.shape, seed, x.dtype)
    out, grad_x = reference(name, x, grad, **kwargs)
    lines = [f"x = {lit(x)}", f"out, cache = {name}_forward(x{args(kwargs)})"]
    if forward:
        lines.append(f"np.testing.assert_allclose(out, {lit(out)}, {TOLERANCE})")
    else:
        lines += [f"grad = {lit(grad)}",
                  f"np.testing.assert_allclose({name}_backward(grad, cache), {lit(grad_x)}, "
                  f"{TOLERANCE})"]
    return "\n".join(lines)


def interleaved(name: str) -> str:
    """Two layers, forward A, forward B, backward B, backward A: each cache is its own."""
    kwargs = {"leaky_relu": ({"negative_slope": 0.2}, {}), "softmax": ({"dim": 0}, {}),
              "log_softmax": ({}, {"dim": 0})}.get(name, ({}, {}))
    xs = [random_array((3, 5), 51, zeros=True), random_array((3, 5), 52)]
    grads = [upstream(x.shape, 53 + i) for i, x in enumerate(xs)]
    lines = []
    for layer, (x, kw) in enumerate(zip(xs, kwargs, strict=True)):
        lines.append(f"out{layer}, cache{layer} = {name}_forward({lit(x)}{args(kw)})")
    for layer in (1, 0):
        expected = reference(name, xs[layer], grads[layer], **kwargs[layer])[1]
        lines.append(f"np.testing.assert_allclose({name}_backward({lit(grads[layer])}, "
                     f"cache{layer}), {lit(expected)}, {TOLERANCE})")
    return "\n".join(lines)


def elementwise(name: str, forward: bool) -> list[str]:
    shapes = [((3, 4), 1), ((2, 3, 4), 2), ((7,), 3)]
    cases = [value_case(name, random_array(s, seed, zeros=True), seed + 10, forward)
             for s, seed in shapes]
    if name == "leaky_relu":
        cases += [value_case(name, random_array((3, 4), 4, zeros=True), 14, forward,
                             negative_slope=slope) for slope in (0.2, 1.5)]
    if not forward:
        if name in ("relu", "leaky_relu"):  # the subgradient at exactly 0
            cases.append(value_case(name, np.array([[0.0, -0.0, 1.0], [-1.0, 0.0, 0.0]]), 3,
                                    False))
        cases.append(interleaved(name))
    return cases


def normalising(name: str, forward: bool) -> list[str]:
    inputs = [((3, 4), 1, {"dim": 0}), ((3, 4), 2, {}), ((2, 3, 4), 3, {"dim": 1}),
              ((2, 3, 4), 4, {"dim": -1})]
    cases = [value_case(name, random_array(s, seed), seed + 4, forward, **kw)
             for s, seed, kw in inputs]
    return cases if forward else [*cases, interleaved(name)]


def stable(name: str) -> list[str]:
    x = np.array([EXTREMES, EXTREMES[::-1], [e * 0.5 for e in EXTREMES]])
    grad = upstream(x.shape, 9)
    out, grad_x = reference(name, x, grad)
    return ["with warnings.catch_warnings():\n"
            "    warnings.simplefilter('error')  # an overflow warning fails the check\n"
            f"    out, cache = {name}_forward({lit(x)})\n"
            f"    np.testing.assert_allclose(out, {lit(out)}, {TOLERANCE})\n"
            f"    grad_x = {name}_backward({lit(grad)}, cache)\n"
            "assert np.all(np.isfinite(grad_x))\n"
            f"np.testing.assert_allclose(grad_x, {lit(grad_x)}, {TOLERANCE})"]


def float32(name: str) -> str:
    x = random_array((3, 5), 11, dtype=np.float32)
    grad = upstream(x.shape, 12, dtype=np.float32)
    out, grad_x = reference(name, x, grad)
    return (f"out, cache = {name}_forward({lit(x)})\n"
            "assert out.dtype == np.float32\n"
            f"np.testing.assert_allclose(out, {lit(out)}, {FLOAT32_TOLERANCE})\n"
            f"grad_x = {name}_backward({lit(grad)}, cache)\n"
            "assert grad_x.dtype == np.float32\n"
            f"np.testing.assert_allclose(grad_x, {lit(grad_x)}, {FLOAT32_TOLERANCE})")


def unmodified(name: str) -> str:
    x = random_array((4, 6), 21)
    grad = upstream(x.shape, 22)
    out, grad_x = reference(name, x, grad)
    return (f"x = {lit(x)}\nx_before = x.copy()\n"
            f"out, cache = {name}_forward(x)\n"
            "assert np.array_equal(x, x_before)\n"
            f"np.testing.assert_allclose(out, {lit(out)}, {TOLERANCE})\n"
            f"grad = {lit(grad)}\ngrad_before, out_before = grad.copy(), out.copy()\n"
            f"grad_x = {name}_backward(grad, cache)\n"
            "# the backward changes neither its arguments nor what the forward gave out\n"
            "assert np.array_equal(grad, grad_before)\n"
            "assert np.array_equal(x, x_before) and np.array_equal(out, out_before)\n"
            f"np.testing.assert_allclose(grad_x, {lit(grad_x)}, {TOLERANCE})")


def checks() -> list[tuple[str, int, list[str]]]:
    """(check name, points, test blocks) for every rubric check of activations, in order."""
    rubric = {check.name: int(check.points) for check in load_rubric()["activations"]}
    built = {}
    for name in ALL:
        kind = normalising if name in ("softmax", "log_softmax") else elementwise
        built[f"{name}_forward"] = kind(name, True)
        built[f"{name}_backward"] = kind(name, False)
    for name in ("sigmoid", "softmax", "log_softmax"):
        built[f"{name}_stable"] = stable(name)
    built["float32"] = [float32(name) for name in ALL]
    built["inputs_unmodified"] = [unmodified(name) for name in ALL]
    assert set(built) == set(rubric), set(built) ^ set(rubric)
    return [(check, rubric[check], built[check]) for check in rubric]
