"""The README.md of the student bundle."""

from grader.child.policy import ALLOWED_TOP_LEVEL

ALLOWED = ", ".join(f"`{name}`" for name in sorted(ALLOWED_TOP_LEVEL))

STUDENT_README = f"""\
# dlmath: the mathematical foundations of deep learning, from scratch

You will write the forward and backward passes of activations, losses,
linear layers, optimizers, convolution, RNNs, attention, normalization,
dropout and schedules, transformer pieces, LSTMs and GRUs in plain NumPy.
Hidden checks hold every function to PyTorch and grade your work.

## Set up

With Python 3.10 or newer, in this folder:

```bash
python3 -m venv .venv
.venv/bin/pip install -c constraints.txt -e .
```

## How to work

1. Read `course.md`: the math of each unit, and what each exercise asks.
2. Open a unit's file in `exercises/` (start with `activations.py`). Every
   function's docstring gives its definition, its arguments and returns with
   shapes, and the conventions to follow; deriving the gradient is yours.
   Replace each `raise NotImplementedError(...)` with your code. A unit file
   may import only these modules (and their submodules): {ALLOWED}. Any
   other import fails when your work is graded, and is named in the report.
3. Open the unit's notebook beside it (`exercises/activations.ipynb`, with
   `.venv/bin/jupyter notebook`): it runs your code, draws what it computes,
   and its last cells run the public checks of each function.
4. Check your work from the command line:

   ```bash
   .venv/bin/dlmath check                 # every unit file in exercises/
   .venv/bin/dlmath check activations     # one unit
   .venv/bin/dlmath check --path my/folder
   ```

   Each failed check says what was expected, what came back, where, and the
   likely mistake.

## What `dlmath check` tells you, and what it does not

The public checks are a **sanity check on small, fixed cases**: that your code
runs, returns the right shapes, and gets easy inputs right. They are **not
your grade**. The hidden checks grade your work: they try many more shapes,
dims and dtypes, extreme values (inputs up to 1e4 in magnitude, exact zeros),
float32 inputs, and whether a function changes its arguments in place. Some
checks (marked *hidden only*) have no public counterpart at all. Passing every
public check is a good start, not a promise of full marks: test your own
edge cases too (`dlmath.gradcheck.check_gradients` compares your backward with
finite differences of your forward).

## Rules

- Outputs keep the floating dtype of the input (float32 in, float32 out).
- Never modify an array argument in place.
- Follow PyTorch's conventions: argument names, defaults, weight layouts,
  reductions, and subgradients (relu'(0) = 0).

## Submitting

Hand in your unit files (`activations.py`, ...), as your instructor asks:
a folder or a .zip of it, or, with nbgrader, the unit's notebook together
with its `.py` file.
"""
