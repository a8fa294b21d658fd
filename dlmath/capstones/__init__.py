"""Capstones: whole models trained with your own unit files, through dlmath.nn and dlmath.optim.

Each capstone module has:

- ``NAME``, ``METRIC`` (what is measured), ``TARGET`` (the number to reach),
  ``HIGHER_IS_BETTER`` and ``BASELINE`` (what the ``"baseline"`` result is);
- ``load_data() -> dict[str, np.ndarray]``: the fixed, seeded dataset (it may
  use scikit-learn's bundled data; nothing is downloaded);
- ``train(data, seed=0) -> dict[str, float]``: trains on ``data`` with the
  units of the selected folder (see :mod:`dlmath.units`) and returns at least
  ``metric``, ``target``, ``baseline`` and ``seconds``. It imports only
  NumPy, the standard library and dlmath.

Example::

    from dlmath import units
    from dlmath.capstones import CAPSTONES, reached
    units.use("path/to/my/units")
    for name, capstone in CAPSTONES.items():
        result = capstone.train(capstone.load_data())
        print(name, capstone.METRIC, result["metric"], reached(capstone, result))
"""

from dlmath.capstones import (
    attention_sequence,
    char_lm,
    cnn_digits,
    logistic_regression,
    lstm_vs_rnn,
    rnn_sequence,
)

CAPSTONES = {
    module.NAME: module
    for module in (logistic_regression, cnn_digits, rnn_sequence, attention_sequence, char_lm,
                   lstm_vs_rnn)
}


def reached(capstone, result):
    """Whether ``result["metric"]`` reaches ``capstone.TARGET`` (in the right direction)."""
    if capstone.HIGHER_IS_BETTER:
        return result["metric"] >= capstone.TARGET
    return result["metric"] <= capstone.TARGET


__all__ = ["CAPSTONES", "reached"]
