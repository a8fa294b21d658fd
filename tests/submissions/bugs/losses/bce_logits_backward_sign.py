"""Loss functions: forward and backward passes in NumPy.

Every forward returns ``(loss, cache)`` where ``loss`` is a Python float or a
0-d array. The matching backward takes ``grad_output`` (a float: the gradient
of the final objective with respect to ``loss``, 1.0 when the loss is the
objective) and that ``cache``, and returns the gradient with respect to
``input``. ``reduction`` is ``'mean'`` (average over all elements, or over the
batch for cross entropy) or ``'sum'``; anything else raises ``ValueError``.

Conventions follow ``torch.nn.functional``.
"""

import numpy as np


def mse_loss_forward(input, target, reduction="mean"):
    """Mean squared error, ``reduce((input - target) ** 2)``.

    Args:
        input: predictions, shape ``(*)``.
        target: targets, shape ``(*)`` like ``input``.
        reduction: ``'mean'`` or ``'sum'``.

    Returns:
        loss: a float or 0-d array.
        cache: whatever ``mse_loss_backward`` needs.
    """
    ### BEGIN SOLUTION
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    diff = input - target
    squares = diff * diff
    loss = np.mean(squares) if reduction == "mean" else np.sum(squares)
    return np.asarray(loss), (diff, reduction)
    ### END SOLUTION


def mse_loss_backward(grad_output, cache):
    """Gradient of ``mse_loss_forward`` with respect to ``input``.

    Args:
        grad_output: a float, the upstream gradient of the loss.
        cache: what ``mse_loss_forward`` returned.

    Returns:
        grad_input: array of shape ``(*)`` like ``input``.
    """
    ### BEGIN SOLUTION
    diff, reduction = cache
    scale = 2 * grad_output / (diff.size if reduction == "mean" else 1)
    return diff * scale
    ### END SOLUTION


def binary_cross_entropy_forward(input, target, reduction="mean"):
    """Binary cross entropy on probabilities.

    ``loss_i = -(target_i * log(input_i) + (1 - target_i) * log(1 - input_i))``,
    then reduced.

    Stability (torch's convention): each log is clamped below at -100, so an
    input of exactly 0 or 1 gives a finite loss and no warning.

    Args:
        input: probabilities in [0, 1], shape ``(*)``.
        target: targets in [0, 1], shape ``(*)`` like ``input``.
        reduction: ``'mean'`` or ``'sum'``.

    Returns:
        loss: a float or 0-d array.
        cache: whatever ``binary_cross_entropy_backward`` needs.
    """
    ### BEGIN SOLUTION
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped just below
        log_p = np.maximum(np.log(input), -100)
        log_1mp = np.maximum(np.log(1 - input), -100)
    losses = -(target * log_p + (1 - target) * log_1mp)
    loss = np.mean(losses) if reduction == "mean" else np.sum(losses)
    return np.asarray(loss), (input, target, reduction)
    ### END SOLUTION


def binary_cross_entropy_backward(grad_output, cache):
    """Gradient of ``binary_cross_entropy_forward`` with respect to ``input``.

    At ``input`` of exactly 0 or 1 the derivative's denominator
    ``input * (1 - input)`` is clamped below at 1e-12, as torch does.

    Args:
        grad_output: a float, the upstream gradient of the loss.
        cache: what ``binary_cross_entropy_forward`` returned.

    Returns:
        grad_input: array of shape ``(*)`` like ``input``.
    """
    ### BEGIN SOLUTION
    p, target, reduction = cache
    scale = grad_output / (p.size if reduction == "mean" else 1)
    return (p - target) / np.maximum(p * (1 - p), 1e-12) * scale
    ### END SOLUTION


def binary_cross_entropy_with_logits_forward(input, target, reduction="mean"):
    """Binary cross entropy on logits: ``binary_cross_entropy(sigmoid(input), target)``.

    Stability: finite, with no overflow warning, for logits up to 1e4 in
    magnitude. Computing ``sigmoid`` first and then its log loses everything
    beyond about 37; rewrite the loss so that ``exp`` only ever sees a
    non-positive number.

    Args:
        input: logits, shape ``(*)``.
        target: targets in [0, 1], shape ``(*)`` like ``input``.
        reduction: ``'mean'`` or ``'sum'``.

    Returns:
        loss: a float or 0-d array.
        cache: whatever ``binary_cross_entropy_with_logits_backward`` needs.
    """
    ### BEGIN SOLUTION
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    losses = np.maximum(input, 0) - input * target + np.log1p(np.exp(-np.abs(input)))
    loss = np.mean(losses) if reduction == "mean" else np.sum(losses)
    return np.asarray(loss), (input, target, reduction)
    ### END SOLUTION


def binary_cross_entropy_with_logits_backward(grad_output, cache):
    """Gradient of ``binary_cross_entropy_with_logits_forward`` w.r.t. ``input``.

    Args:
        grad_output: a float, the upstream gradient of the loss.
        cache: what ``binary_cross_entropy_with_logits_forward`` returned.

    Returns:
        grad_input: array of shape ``(*)`` like ``input``.
    """
    ### BEGIN SOLUTION
    logits, target, reduction = cache
    z = np.exp(-np.abs(logits))
    probs = np.where(logits >= 0, 1 / (1 + z), z / (1 + z))
    scale = grad_output / (logits.size if reduction == "mean" else 1)
    return (target - probs) * scale
    ### END SOLUTION


def cross_entropy_forward(input, target, reduction="mean"):
    """Cross entropy of logits against class indices.

    ``loss_n = -log_softmax(input[n])[target[n]]``, then reduced over the
    batch (``'mean'`` divides by ``N``).

    Stability: finite, with no overflow warning, for logits up to 1e4 in
    magnitude.

    Args:
        input: logits, shape ``(N, C)``.
        target: integer class indices in ``[0, C)``, shape ``(N,)``.
        reduction: ``'mean'`` or ``'sum'``.

    Returns:
        loss: a float or 0-d array.
        cache: whatever ``cross_entropy_backward`` needs.
    """
    ### BEGIN SOLUTION
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    shifted = input - np.max(input, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    picked = log_probs[np.arange(len(target)), target]
    loss = -(np.mean(picked) if reduction == "mean" else np.sum(picked))
    return np.asarray(loss), (log_probs, target, reduction)
    ### END SOLUTION


def cross_entropy_backward(grad_output, cache):
    """Gradient of ``cross_entropy_forward`` with respect to ``input``.

    Args:
        grad_output: a float, the upstream gradient of the loss.
        cache: what ``cross_entropy_forward`` returned.

    Returns:
        grad_input: array of shape ``(N, C)``.
    """
    ### BEGIN SOLUTION
    log_probs, target, reduction = cache
    grad = np.exp(log_probs)
    grad[np.arange(len(target)), target] -= 1
    scale = grad_output / (len(target) if reduction == "mean" else 1)
    return grad * scale
    ### END SOLUTION
