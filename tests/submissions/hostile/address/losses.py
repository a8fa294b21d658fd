"""Not even hostile: an exception whose message holds an object's repr, and so its address.

Under address-space randomization the address differs from run to run.
"""


def mse_loss_forward(input, target, reduction="mean"):  # noqa: A002 (the contract's name)
    cache = {"input": input, "combine": lambda a, b: a - b}
    raise ValueError(f"cannot combine with {cache['combine']!r}")
