"""Gradient-descent optimizers as pure update functions in NumPy.

Each function performs ONE optimization step for ONE parameter array, exactly
as the matching ``torch.optim`` class would::

    state = None
    for grad in gradients:
        param, state = adam_update(param, grad, state, lr=1e-3)

``state`` is ``None`` at the first step; the function returns
``(new_param, new_state)`` and the caller passes ``new_state`` back at the next
step. ``new_state`` is yours to design, but keep it a plain ``dict`` of arrays
and numbers (it may be pickled between steps). Never modify ``param``, ``grad``
or the arrays of ``state`` in place: build new arrays. Keep the dtype of
``param`` (float32 in, float32 out): hyper-parameters are Python floats.

In the update rules below ``t`` counts steps from 1, every operation is
elementwise, and ``m``, ``v``, ``b``... are the per-element buffers that live
in ``state`` (all zero before the first step, unless stated otherwise).
"""

import numpy as np


def sgd_update(param, grad, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
               nesterov=False):
    """One step of stochastic gradient descent, as ``torch.optim.SGD``.

    Update rule::

        g = grad + weight_decay * param
        if momentum != 0:
            b = g                                        at the first step (t = 1)
            b = momentum * b + (1 - dampening) * g       at every later step
            g = g + momentum * b    if nesterov,   else   g = b
        param = param - lr * g

    Note that the momentum buffer starts as the first gradient itself, not at
    zero, and that dampening does not apply at the first step.

    Args:
        param: parameter array of any shape ``(*)``.
        grad: gradient of the loss with respect to ``param``, shape ``(*)``.
        state: ``None`` at the first step, else the ``new_state`` returned by
            the previous call.
        lr: learning rate, a float.
        momentum: momentum factor, a float (0 disables momentum).
        dampening: dampening of the gradient in the momentum buffer, a float.
        weight_decay: L2 penalty coefficient, a float.
        nesterov: use Nesterov momentum, a bool (requires ``momentum > 0`` and
            ``dampening == 0``).

    Returns:
        new_param: array of shape ``(*)``, the dtype of ``param``.
        new_state: plain ``dict`` to pass back at the next step.
    """
    ### BEGIN SOLUTION
    if weight_decay != 0:
        grad = grad + weight_decay * param
    new_state = {}
    if momentum != 0:
        buf = None if state is None else state.get("momentum_buffer")
        if buf is None:
            buf = np.zeros_like(param)
        buf = momentum * buf + (1 - dampening) * grad
        new_state["momentum_buffer"] = buf
        grad = grad + momentum * buf if nesterov else buf
    return param - lr * grad, new_state
    ### END SOLUTION


def rmsprop_update(param, grad, state, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0,
                   momentum=0.0, centered=False):
    """One step of RMSprop, as ``torch.optim.RMSprop``.

    Update rule (``v``, ``g_avg`` and ``b`` start at zero)::

        g = grad + weight_decay * param
        v = alpha * v + (1 - alpha) * g**2
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            d = sqrt(v - g_avg**2) + eps
        else:
            d = sqrt(v) + eps
        if momentum > 0:
            b = momentum * b + g / d
            param = param - lr * b
        else:
            param = param - lr * g / d

    Note that ``eps`` is added outside the square root.

    Args:
        param: parameter array of any shape ``(*)``.
        grad: gradient of the loss with respect to ``param``, shape ``(*)``.
        state: ``None`` at the first step, else the ``new_state`` returned by
            the previous call.
        lr: learning rate, a float.
        alpha: smoothing constant of the running averages, a float.
        eps: term added to the denominator for stability, a float.
        weight_decay: L2 penalty coefficient, a float.
        momentum: momentum factor, a float (0 disables momentum).
        centered: normalise by an estimate of the gradient's variance instead
            of its uncentred second moment, a bool.

    Returns:
        new_param: array of shape ``(*)``, the dtype of ``param``.
        new_state: plain ``dict`` to pass back at the next step.
    """
    ### BEGIN SOLUTION
    if state is None:
        state = {"step": 0, "square_avg": np.zeros_like(param)}
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(param)
        if centered:
            state["grad_avg"] = np.zeros_like(param)
    new_state = {"step": state["step"] + 1}

    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg = alpha * state["square_avg"] + (1 - alpha) * grad * grad
    new_state["square_avg"] = square_avg
    if centered:
        # torch writes this as a lerp: g_avg + (1 - alpha) * (g - g_avg)
        grad_avg = state["grad_avg"] + (1 - alpha) * (grad - state["grad_avg"])
        new_state["grad_avg"] = grad_avg
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps

    if momentum > 0:
        buf = momentum * state["momentum_buffer"] + grad / avg
        new_state["momentum_buffer"] = buf
        return param - lr * buf, new_state
    return param - lr * grad / avg, new_state
    ### END SOLUTION


def adam_update(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                amsgrad=False):
    """One step of Adam, as ``torch.optim.Adam``.

    Update rule at step ``t = 1, 2, ...`` (``m``, ``v`` and ``v_max`` start at
    zero; ``beta1, beta2 = betas``)::

        g = grad + weight_decay * param
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)

    Note that ``eps`` is added outside the square root.

    Args:
        param: parameter array of any shape ``(*)``.
        grad: gradient of the loss with respect to ``param``, shape ``(*)``.
        state: ``None`` at the first step, else the ``new_state`` returned by
            the previous call.
        lr: learning rate, a float.
        betas: ``(beta1, beta2)``, decay rates of the first and second moment
            running averages, floats in [0, 1).
        eps: term added to the denominator for stability, a float.
        weight_decay: L2 penalty coefficient (added to the gradient), a float.
        amsgrad: use the maximum of all second moments so far (AMSGrad), a bool.

    Returns:
        new_param: array of shape ``(*)``, the dtype of ``param``.
        new_state: plain ``dict`` to pass back at the next step.
    """
    ### BEGIN SOLUTION
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(param), "exp_avg_sq": np.zeros_like(param)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(param)
    step = state["step"] + 1

    if weight_decay != 0:
        grad = grad + weight_decay * param
    # torch writes the first moment as a lerp: m + (1 - beta1) * (g - m)
    exp_avg = state["exp_avg"] + (1 - beta1) * (grad - state["exp_avg"])
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * grad * grad
    new_state = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}

    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    step_size = lr / bias_correction1
    if amsgrad:
        max_exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        new_state["max_exp_avg_sq"] = max_exp_avg_sq
        denom = np.sqrt(max_exp_avg_sq) / bias_correction2**0.5 + eps
    else:
        denom = np.sqrt(exp_avg_sq) / bias_correction2**0.5 + eps
    return param - step_size * exp_avg / denom, new_state
    ### END SOLUTION


def adamw_update(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
    """One step of AdamW (Adam with decoupled weight decay), as ``torch.optim.AdamW``.

    Update rule: first shrink the parameter, then take an Adam step whose
    gradient has NO weight-decay term::

        param = param * (1 - lr * weight_decay)
        param = adam step of param with grad (as in ``adam_update`` with
                weight_decay = 0; m, v, v_max and t are AdamW's own)

    Args:
        param: parameter array of any shape ``(*)``.
        grad: gradient of the loss with respect to ``param``, shape ``(*)``.
        state: ``None`` at the first step, else the ``new_state`` returned by
            the previous call.
        lr: learning rate, a float.
        betas: ``(beta1, beta2)``, decay rates of the first and second moment
            running averages, floats in [0, 1).
        eps: term added to the denominator for stability, a float.
        weight_decay: decoupled weight-decay coefficient, a float.
        amsgrad: use the maximum of all second moments so far (AMSGrad), a bool.

    Returns:
        new_param: array of shape ``(*)``, the dtype of ``param``.
        new_state: plain ``dict`` to pass back at the next step.
    """
    ### BEGIN SOLUTION
    if weight_decay != 0:
        param = param * (1 - lr * weight_decay)
    return adam_update(param, grad, state, lr=lr, betas=betas, eps=eps, weight_decay=0.0,
                       amsgrad=amsgrad)
    ### END SOLUTION
