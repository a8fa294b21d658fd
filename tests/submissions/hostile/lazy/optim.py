"""Hostile: no work at all. Every update hands back a copy of the parameter and the state.

The right dtype, no argument touched in place: exactly what a property check
sees when it looks at dtypes and in-place changes only.
"""


def sgd_update(param, grad, state=None, **hyper):
    return param.copy(), state


def rmsprop_update(param, grad, state=None, **hyper):
    return param.copy(), state


def adam_update(param, grad, state=None, **hyper):
    return param.copy(), state


def adamw_update(param, grad, state=None, **hyper):
    return param.copy(), state
