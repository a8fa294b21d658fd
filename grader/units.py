"""The graded units, in course order (see the exercise API contract)."""

UNITS = ("activations", "losses", "linear", "optim", "conv", "rnn", "attention",
         "normalization", "training", "transformer", "gated")


def unit_file(unit: str) -> str:
    """The file name a submission holds a unit in."""
    return f"{unit}.py"
