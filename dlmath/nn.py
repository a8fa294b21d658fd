"""PyTorch-style layers built on *your* unit functions (ungraded, provided).

Each module's ``forward`` calls the matching ``*_forward`` function of a unit
file in the selected units folder (see :mod:`dlmath.units`) and keeps the
returned cache; ``backward(grad_output)`` calls ``*_backward`` with that
cache, adds the parameter gradients into ``param.grad`` (accumulating, as torch
does) and returns the gradient with respect to the module's input.

There is no autograd: you call ``backward`` yourself, in reverse order::

    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    criterion = nn.CrossEntropyLoss()
    loss = criterion(model(x), y)          # a Python float
    model.backward(criterion.backward())   # fills p.grad for p in model.parameters()

Names, argument names, weight layouts and default initialisations follow
``torch.nn``. Parameters are float64 unless you pass ``dtype``. Random
initialisation draws from the NumPy ``Generator`` passed as ``rng``, or from a
module-level generator seeded with 0 (reseed it with :func:`manual_seed`).
"""

import math

import numpy as np

from dlmath import units

_default_rng = np.random.default_rng(0)
# A module's cache before its first forward (a unit may return None as a cache:
# dropout_forward does in eval mode, and a student's unit may anywhere).
_NO_FORWARD = object()


def manual_seed(seed):
    """Reseed the default generator used when a layer gets no ``rng``."""
    global _default_rng
    _default_rng = np.random.default_rng(seed)


def _uniform(rng, bound, shape, dtype):
    """Array of ``shape`` drawn from U(-bound, bound) in ``dtype``."""
    rng = _default_rng if rng is None else rng
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def _accumulate(params, grads):
    """``param.accumulate(grad)`` for each pair, skipping absent (None) parameters."""
    for param, grad in zip(params, grads, strict=True):
        if param is not None:
            param.accumulate(grad)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class Parameter:
    """A trainable array: ``data`` (the values) and ``grad`` (None or same shape).

    ``grad`` starts as ``None``; each ``backward`` adds into it, like torch.
    """

    def __init__(self, data):
        self.data = np.array(data, copy=True)
        self.grad = None

    @property
    def shape(self):
        return self.data.shape

    def accumulate(self, grad):
        """Add ``grad`` into ``self.grad`` (``None`` grads are ignored)."""
        if grad is None:
            return
        if self.grad is None:
            self.grad = np.array(grad, dtype=self.data.dtype, copy=True)
        else:
            self.grad += grad

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class: subclasses define ``forward(...)`` and ``backward(grad_output)``.

    Parameters and sub-modules are found among the instance attributes
    (also inside lists and tuples), in the order they were assigned.
    """

    training = True
    _cache = _NO_FORWARD

    def __init__(self):
        self.training = True
        self._cache = _NO_FORWARD

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__} defines no backward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def _saved(self):
        """The cache of the last forward; an error if there was none."""
        if self._cache is _NO_FORWARD:
            raise RuntimeError(f"{type(self).__name__}.backward() called before forward()")
        return self._cache

    def named_children(self):
        """Yield ``(name, module)`` for each direct sub-module."""
        for name, value in vars(self).items():
            if name == "_cache":
                continue
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def children(self):
        return (module for _, module in self.named_children())

    def named_parameters(self, prefix=""):
        """Yield ``(name, Parameter)``: own parameters first, then sub-modules'."""
        seen = set()
        for name, param in self._named_parameters(prefix):
            if id(param) not in seen:
                seen.add(id(param))
                yield name, param

    def _named_parameters(self, prefix):
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child._named_parameters(f"{prefix}{name}.")

    def parameters(self):
        """List of all Parameters of this module and its sub-modules."""
        return [param for _, param in self.named_parameters()]

    def zero_grad(self, set_to_none=True):
        """Reset every ``param.grad``: to ``None`` (torch's default) or to zeros."""
        for param in self.parameters():
            param.grad = None if set_to_none else np.zeros_like(param.data)

    def train(self, mode=True):
        """Set ``training`` on this module and all sub-modules; returns self."""
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        """Same as ``train(False)``."""
        return self.train(False)

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"  ({name}): {child!r}".replace("\n", "\n  ")
                 for name, child in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        return head + ("\n" + "\n".join(lines) + "\n)" if lines else ")")


class Sequential(Module):
    """Modules applied in order; ``backward`` runs them in reverse."""

    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def named_children(self):
        for i, module in enumerate(self.layers):
            yield str(i), module

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def forward(self, x):
        for module in self.layers:
            x = module(x)
        return x

    def backward(self, grad_output):
        for module in reversed(self.layers):
            grad_output = module.backward(grad_output)
        return grad_output


class Linear(Module):
    """``y = x @ weight.T + bias``: ``x (*, in_features)`` -> ``y (*, out_features)``.

    ``weight (out_features, in_features)`` and ``bias (out_features,)`` start
    as U(-1/sqrt(in_features), 1/sqrt(in_features)), torch's default. Unit:
    ``linear``.
    """

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float64):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features) if in_features > 0 else 0.0
        self.weight = Parameter(_uniform(rng, bound, (out_features, in_features), dtype))
        self.bias = Parameter(_uniform(rng, bound, (out_features,), dtype)) if bias else None

    def forward(self, x):
        bias = None if self.bias is None else self.bias.data
        out, self._cache = units.function("linear", "linear_forward")(x, self.weight.data, bias)
        return out

    def backward(self, grad_output):
        grad_x, grad_weight, grad_bias = units.function("linear", "linear_backward")(
            grad_output, self._saved())
        _accumulate((self.weight, self.bias), (grad_weight, grad_bias))
        return grad_x

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class _Activation(Module):
    """Elementwise/axis-wise function of unit ``activations``: ``x (*)`` -> ``(*)``."""

    _name = ""

    def _kwargs(self):
        return {}

    def forward(self, x):
        forward = units.function("activations", f"{self._name}_forward")
        out, self._cache = forward(x, **self._kwargs())
        return out

    def backward(self, grad_output):
        backward = units.function("activations", f"{self._name}_backward")
        return backward(grad_output, self._saved())


class ReLU(_Activation):
    """``max(x, 0)`` elementwise."""

    _name = "relu"


class LeakyReLU(_Activation):
    """``x`` if ``x > 0`` else ``negative_slope * x``, elementwise."""

    _name = "leaky_relu"

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def _kwargs(self):
        return {"negative_slope": self.negative_slope}


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))`` elementwise."""

    _name = "sigmoid"


class Tanh(_Activation):
    """``tanh(x)`` elementwise."""

    _name = "tanh"


class Softmax(_Activation):
    """Softmax along axis ``dim`` (required: torch's implicit dim is deprecated)."""

    _name = "softmax"

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def _kwargs(self):
        return {"dim": self.dim}


class LogSoftmax(Softmax):
    """Log-softmax along axis ``dim``."""

    _name = "log_softmax"


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` into one: ``(N, C, H, W)`` -> ``(N, C*H*W)``."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        shape = x.shape
        start, end = self.start_dim % x.ndim, self.end_dim % x.ndim
        self._cache = shape
        return x.reshape((*shape[:start], -1, *shape[end + 1:]))

    def backward(self, grad_output):
        return grad_output.reshape(self._saved())


class Conv2d(Module):
    """2-D cross-correlation: ``x (N, C_in, H, W)`` -> ``(N, C_out, H_out, W_out)``.

    ``weight (C_out, C_in, kH, kW)`` and ``bias (C_out,)`` start as
    U(-1/sqrt(C_in*kH*kW), +...), torch's default. Zero padding, no dilation
    or groups. Unit: ``conv``.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 *, rng=None, dtype=np.float64):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = _pair(kernel_size), stride, padding
        shape = (out_channels, in_channels, *self.kernel_size)
        bound = 1 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
        self.weight = Parameter(_uniform(rng, bound, shape, dtype))
        self.bias = Parameter(_uniform(rng, bound, (out_channels,), dtype)) if bias else None

    def forward(self, x):
        bias = None if self.bias is None else self.bias.data
        out, self._cache = units.function("conv", "conv2d_forward")(
            x, self.weight.data, bias, stride=self.stride, padding=self.padding)
        return out

    def backward(self, grad_output):
        grad_x, grad_weight, grad_bias = units.function("conv", "conv2d_backward")(
            grad_output, self._saved())
        _accumulate((self.weight, self.bias), (grad_weight, grad_bias))
        return grad_x

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class MaxPool2d(Module):
    """Max pooling, no padding: ``x (N, C, H, W)`` -> ``(N, C, H_out, W_out)``. Unit: ``conv``."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x):
        out, self._cache = units.function("conv", "max_pool2d_forward")(
            x, self.kernel_size, stride=self.stride)
        return out

    def backward(self, grad_output):
        return units.function("conv", "max_pool2d_backward")(grad_output, self._saved())

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class RNN(Module):
    """One-layer tanh RNN with torch's parameter names. Unit: ``rnn``.

    ``forward(input, hx=None) -> (output, h_n)`` with ``input (N, L, I)`` if
    ``batch_first`` else ``(L, N, I)`` (torch's default), ``hx`` and ``h_n``
    ``(1, N, H)``, ``output`` like ``input`` with ``H`` features.
    ``backward(grad_output, grad_h_n=None) -> (grad_input, grad_hx)``;
    ``grad_hx`` is ``None`` when ``hx`` was ``None``.

    ``weight_ih_l0 (H, I)``, ``weight_hh_l0 (H, H)``, ``bias_ih_l0 (H,)`` and
    ``bias_hh_l0 (H,)`` start as U(-1/sqrt(H), 1/sqrt(H)), torch's default.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, *, rng=None, dtype=np.float64):
        super().__init__()
        if num_layers != 1 or nonlinearity != "tanh":
            raise NotImplementedError("dlmath.nn.RNN has one layer and the tanh nonlinearity")
        self.input_size, self.hidden_size, self.batch_first = input_size, hidden_size, batch_first
        bound = 1 / math.sqrt(hidden_size)
        self.weight_ih_l0 = Parameter(_uniform(rng, bound, (hidden_size, input_size), dtype))
        self.weight_hh_l0 = Parameter(_uniform(rng, bound, (hidden_size, hidden_size), dtype))
        self.bias_ih_l0 = Parameter(_uniform(rng, bound, (hidden_size,), dtype)) if bias else None
        self.bias_hh_l0 = Parameter(_uniform(rng, bound, (hidden_size,), dtype)) if bias else None

    def _params(self):
        return (self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)

    def forward(self, input, hx=None):  # noqa: A002 (torch's argument name)
        if input.ndim != 3:
            raise ValueError(f"RNN expects a batched 3-D input, got shape {input.shape}")
        x = input if self.batch_first else input.swapaxes(0, 1)
        h0 = None if hx is None else hx[0]
        weights = [None if p is None else p.data for p in self._params()]
        (output, h_n), self._cache = units.function("rnn", "rnn_forward")(x, h0, *weights)
        return (output if self.batch_first else output.swapaxes(0, 1)), h_n[None]

    def backward(self, grad_output, grad_h_n=None):
        grad_out = grad_output if self.batch_first else grad_output.swapaxes(0, 1)
        grad_last = None if grad_h_n is None else grad_h_n[0]
        grad_x, grad_h0, *grads = units.function("rnn", "rnn_backward")(
            grad_out, grad_last, self._saved())
        _accumulate(self._params(), grads)
        grad_x = grad_x if self.batch_first else grad_x.swapaxes(0, 1)
        return grad_x, (None if grad_h0 is None else grad_h0[None])

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}, batch_first={self.batch_first}"


class MultiheadAttention(Module):
    """Multi-head self-attention with torch's parameters. Unit: ``attention``.

    ``forward(query, key=None, value=None, is_causal=False) -> (out, None)``:
    self-attention only, so ``key`` and ``value`` must be ``None`` or equal to
    ``query``; ``query (N, L, E)`` if ``batch_first`` else ``(L, N, E)``, and
    ``out`` has the same shape. The second result stands for torch's attention
    weights, which are not computed (as with torch's ``need_weights=False``).
    ``is_causal=True`` matches torch given ``attn_mask`` = the causal mask.
    ``backward(grad_output) -> grad_query``.

    ``in_proj_weight (3E, E)`` (xavier-uniform), ``in_proj_bias (3E,)``
    (zeros), ``out_proj.weight (E, E)`` (U(-1/sqrt(E), 1/sqrt(E))) and
    ``out_proj.bias (E,)`` (zeros), as torch initialises them.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False,
                 *, rng=None, dtype=np.float64):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim={embed_dim} is not divisible by num_heads={num_heads}")
        if dropout:
            raise NotImplementedError("dlmath.nn.MultiheadAttention has no dropout")
        self.embed_dim, self.num_heads, self.batch_first = embed_dim, num_heads, batch_first
        bound = math.sqrt(6 / (embed_dim + 3 * embed_dim))
        self.in_proj_weight = Parameter(_uniform(rng, bound, (3 * embed_dim, embed_dim), dtype))
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, rng=rng, dtype=dtype)
        if bias:
            self.out_proj.bias.data[...] = 0

    def forward(self, query, key=None, value=None, is_causal=False):
        for other in (key, value):
            if other is not None and other is not query and not np.array_equal(other, query):
                raise NotImplementedError("dlmath.nn.MultiheadAttention does self-attention "
                                          "only: key and value must equal query")
        x = query if self.batch_first else query.swapaxes(0, 1)
        weights = [None if p is None else p.data for p in self._params()]
        out, self._cache = units.function("attention", "multi_head_attention_forward")(
            x, *weights, self.num_heads, is_causal=is_causal)
        return (out if self.batch_first else out.swapaxes(0, 1)), None

    def _params(self):
        return (self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)

    def backward(self, grad_output):
        grad_out = grad_output if self.batch_first else grad_output.swapaxes(0, 1)
        grad_x, *grads = units.function("attention", "multi_head_attention_backward")(
            grad_out, self._saved())
        _accumulate(self._params(), grads)
        return grad_x if self.batch_first else grad_x.swapaxes(0, 1)

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"


class _Loss(Module):
    """``loss = criterion(input, target)`` (a float); ``backward()`` -> grad wrt input."""

    _name = ""

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', not {reduction!r}")
        self.reduction = reduction

    def forward(self, input, target):  # noqa: A002 (torch's argument name)
        loss, self._cache = units.function("losses", f"{self._name}_forward")(
            input, target, reduction=self.reduction)
        return float(loss)

    def backward(self, grad_output=1.0):
        """Gradient of ``grad_output * loss`` with respect to ``input``."""
        return units.function("losses", f"{self._name}_backward")(grad_output, self._saved())

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean (or sum) of ``(input - target)**2``; ``input`` and ``target`` of shape ``(*)``."""

    _name = "mse_loss"


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities ``input (*)`` against ``target (*)`` in [0, 1]."""

    _name = "binary_cross_entropy"


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits ``input (*)`` against ``target (*)`` in [0, 1]."""

    _name = "binary_cross_entropy_with_logits"


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits ``input (N, C)`` against integer classes ``target (N,)``."""

    _name = "cross_entropy"


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of ``embedding_dim``. Unit: ``transformer``.

    ``forward(input) -> out``: ``input`` an integer array of any shape ``(*)``,
    ``out (*, embedding_dim)``. ``backward(grad_output) -> None`` (integer
    indices have no gradient); the table's gradient goes into ``weight.grad``.
    ``weight (num_embeddings, embedding_dim)`` starts as N(0, 1), torch's
    default, with the ``padding_idx`` row (if any) zero.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, *, rng=None,
                 dtype=np.float64):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        rng = _default_rng if rng is None else rng
        weight = rng.standard_normal((num_embeddings, embedding_dim)).astype(dtype)
        if padding_idx is not None:
            weight[padding_idx] = 0
        self.weight = Parameter(weight)

    def forward(self, input):  # noqa: A002 (torch's argument name)
        out, self._cache = units.function("transformer", "embedding_forward")(
            input, self.weight.data, padding_idx=self.padding_idx)
        return out

    def backward(self, grad_output):
        self.weight.accumulate(
            units.function("transformer", "embedding_backward")(grad_output, self._saved()))

    def extra_repr(self):
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"


class GELU(Module):
    """Gaussian error linear unit, elementwise: ``x (*)`` -> ``(*)``. Unit: ``transformer``."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        out, self._cache = units.function("transformer", "gelu_forward")(
            x, approximate=self.approximate)
        return out

    def backward(self, grad_output):
        return units.function("transformer", "gelu_backward")(grad_output, self._saved())

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class _Gated(Module):
    """LSTM or GRU of ``num_layers`` stacked layers (layer k reads layer k-1's output).

    torch's parameter names (``weight_ih_l0``, ..., ``bias_hh_l{num_layers-1}``), in
    torch's order. Unit: ``gated``.
    """

    _gates = 0
    _kind = ""
    _states = 1  # the LSTM carries two: h and c

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 *, rng=None, dtype=np.float64):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.input_size, self.hidden_size, self.batch_first = input_size, hidden_size, batch_first
        self.num_layers = num_layers
        rows, bound = self._gates * hidden_size, 1 / math.sqrt(hidden_size)
        for layer in range(num_layers):  # drawn in torch's order, layer by layer
            width = input_size if layer == 0 else hidden_size
            setattr(self, f"weight_ih_l{layer}",
                    Parameter(_uniform(rng, bound, (rows, width), dtype)))
            setattr(self, f"weight_hh_l{layer}",
                    Parameter(_uniform(rng, bound, (rows, hidden_size), dtype)))
            for name in ("bias_ih", "bias_hh"):
                setattr(self, f"{name}_l{layer}",
                        Parameter(_uniform(rng, bound, (rows,), dtype)) if bias else None)

    def _layer_params(self, layer):
        return tuple(getattr(self, f"{name}_l{layer}")
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def _params(self):
        return tuple(p for layer in range(self.num_layers) for p in self._layer_params(layer))

    def _run(self, input, states):  # noqa: A002 (torch's argument name)
        """Every layer forward; ``states[k]`` are layer k's initial states (or Nones).

        Returns the last layer's output and each layer's final states.
        """
        forward = units.function("gated", f"{self._kind}_forward")
        x = self._batch_first(input)
        caches, finals = [], []
        for layer in range(self.num_layers):
            weights = [None if p is None else p.data for p in self._layer_params(layer)]
            (x, *final), cache = forward(x, *states[layer], *weights)
            caches.append(cache)
            finals.append(final)
        self._cache = caches
        return self._unbatch_first(x), finals

    def _run_backward(self, grad_output, grad_finals):
        """Every layer backward, last first; returns grad_input and each layer's state grads."""
        backward = units.function("gated", f"{self._kind}_backward")
        caches = self._saved()
        grad = self._batch_first(grad_output)
        grad_states = [None] * self.num_layers
        for layer in reversed(range(self.num_layers)):
            grad, *rest = backward(grad, *grad_finals[layer], caches[layer])
            grad_states[layer] = rest[:self._states]
            _accumulate(self._layer_params(layer), rest[self._states:])
        return self._unbatch_first(grad), grad_states

    def _per_layer(self, stacked):
        """``(num_layers, N, H)`` (or None) as one array (or None) per layer."""
        return [None if stacked is None else stacked[layer] for layer in range(self.num_layers)]

    def _batch_first(self, array):
        if array.ndim != 3:
            raise ValueError(f"{type(self).__name__} expects a batched 3-D input, "
                             f"got shape {array.shape}")
        return array if self.batch_first else array.swapaxes(0, 1)

    def _unbatch_first(self, array):
        return array if self.batch_first else array.swapaxes(0, 1)

    def extra_repr(self):
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}")


class LSTM(_Gated):
    """LSTM (gates i, f, g, o) of ``num_layers`` layers, torch's parameters. Unit: ``gated``.

    ``forward(input, hx=None) -> (output, (h_n, c_n))`` with ``input (N, L, I)``
    if ``batch_first`` else ``(L, N, I)``, ``hx`` ``None`` or the pair
    ``(h_0, c_0)`` each ``(num_layers, N, H)``, and ``h_n``, ``c_n``
    ``(num_layers, N, H)``.
    ``backward(grad_output, grad_h_n=None, grad_c_n=None) -> (grad_input, grad_hx)``;
    ``grad_hx`` is ``None`` when ``hx`` was ``None``, else ``(grad_h_0, grad_c_0)``.
    ``weight_ih_l0 (4H, I)`` (``(4H, H)`` for later layers), ``weight_hh_lk (4H, H)``
    and the biases ``(4H,)`` start as U(-1/sqrt(H), 1/sqrt(H)), torch's default.
    """

    _gates, _kind, _states = 4, "lstm", 2

    def forward(self, input, hx=None):  # noqa: A002 (torch's argument name)
        h0, c0 = (None, None) if hx is None else hx
        output, finals = self._run(input, list(zip(self._per_layer(h0), self._per_layer(c0),
                                                   strict=True)))
        return output, (np.stack([h for h, _ in finals]), np.stack([c for _, c in finals]))

    def backward(self, grad_output, grad_h_n=None, grad_c_n=None):
        grad_x, grad_states = self._run_backward(grad_output, list(zip(
            self._per_layer(grad_h_n), self._per_layer(grad_c_n), strict=True)))
        if grad_states[0][0] is None:  # hx was None
            return grad_x, None
        return grad_x, (np.stack([g[0] for g in grad_states]),
                        np.stack([g[1] for g in grad_states]))


class GRU(_Gated):
    """GRU (gates r, z, n) of ``num_layers`` layers, torch's parameters. Unit: ``gated``.

    ``forward(input, hx=None) -> (output, h_n)`` and
    ``backward(grad_output, grad_h_n=None) -> (grad_input, grad_hx)``, shaped
    as for :class:`LSTM` with ``h`` alone. ``weight_ih_l0 (3H, I)``,
    ``weight_hh_lk (3H, H)`` and the biases ``(3H,)`` start as
    U(-1/sqrt(H), 1/sqrt(H)), torch's default.
    """

    _gates, _kind, _states = 3, "gru", 1

    def forward(self, input, hx=None):  # noqa: A002 (torch's argument name)
        output, finals = self._run(input, [(h,) for h in self._per_layer(hx)])
        return output, np.stack([h for (h,) in finals])

    def backward(self, grad_output, grad_h_n=None):
        grad_x, grad_states = self._run_backward(
            grad_output, [(g,) for g in self._per_layer(grad_h_n)])
        if grad_states[0][0] is None:  # hx was None
            return grad_x, None
        return grad_x, np.stack([g for (g,) in grad_states])


class _BatchNorm(Module):
    """Batch normalization over axis 1 (channels). Unit: ``normalization``.

    ``weight`` starts at ones and ``bias`` at zeros (``affine=True``); the
    buffers ``running_mean`` (zeros) and ``running_var`` (ones) are plain
    arrays, replaced by the unit's new ones at each training forward (with
    ``track_running_stats=True``). In evaluation mode (``eval()``) they
    normalise. ``momentum=None`` averages all batches so far, as torch does.
    """

    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, *, dtype=np.float64):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine else None
        self.running_mean = np.zeros(num_features, dtype) if track_running_stats else None
        self.running_var = np.ones(num_features, dtype) if track_running_stats else None
        self.num_batches_tracked = 0

    def forward(self, input):  # noqa: A002 (torch's argument name)
        if input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__} expects an input of "
                             f"{' or '.join(map(str, self._dims))} dims, got {input.shape}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / self.num_batches_tracked
        # as torch: batch statistics when training or when no running statistics are kept
        batch_stats = self.training or self.running_mean is None
        use_running = not self.training or self.track_running_stats
        weight, bias = (None, None) if not self.affine else (self.weight.data, self.bias.data)
        (out, new_mean, new_var), self._cache = units.function(
            "normalization", "batch_norm_forward")(
            input, weight, bias, self.running_mean if use_running else None,
            self.running_var if use_running else None, training=batch_stats,
            momentum=momentum, eps=self.eps)
        if self.training and self.track_running_stats:
            self.running_mean, self.running_var = new_mean, new_var
        return out

    def backward(self, grad_output):
        grad_x, grad_weight, grad_bias = units.function(
            "normalization", "batch_norm_backward")(grad_output, self._saved())
        _accumulate((self.weight, self.bias), (grad_weight, grad_bias))
        return grad_x

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of ``(N, C)`` or ``(N, C, L)`` inputs; see :class:`_BatchNorm`."""

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of ``(N, C, H, W)`` inputs; see :class:`_BatchNorm`."""

    _dims = (4,)


class LayerNorm(Module):
    """Layer normalization over the trailing ``normalized_shape``. Unit: ``normalization``.

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape``
    (``elementwise_affine=True``; ``bias=False`` drops the bias).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, *,
                 dtype=np.float64):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
            normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(np.ones(shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(shape, dtype)) if elementwise_affine and bias else None

    def forward(self, input):  # noqa: A002 (torch's argument name)
        out, self._cache = units.function("normalization", "layer_norm_forward")(
            input, self.normalized_shape, None if self.weight is None else self.weight.data,
            None if self.bias is None else self.bias.data, eps=self.eps)
        return out

    def backward(self, grad_output):
        grad_x, grad_weight, grad_bias = units.function(
            "normalization", "layer_norm_backward")(grad_output, self._saved())
        _accumulate((self.weight, self.bias), (grad_weight, grad_bias))
        return grad_x

    def extra_repr(self):
        affine = self.weight is not None
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={affine}"


class RMSNorm(Module):
    """RMS normalization over the trailing ``normalized_shape``. Unit: ``normalization``.

    ``weight`` (ones, shape ``normalized_shape``) with ``elementwise_affine=True``;
    ``eps=None`` is the machine epsilon of the input's dtype, as torch's.
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, *,
                 dtype=np.float64):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
            normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = Parameter(np.ones(shape, dtype)) if elementwise_affine else None

    def forward(self, x):
        out, self._cache = units.function("normalization", "rms_norm_forward")(
            x, self.normalized_shape, None if self.weight is None else self.weight.data,
            eps=self.eps)
        return out

    def backward(self, grad_output):
        grad_x, grad_weight = units.function("normalization", "rms_norm_backward")(
            grad_output, self._saved())
        _accumulate((self.weight,), (grad_weight,))
        return grad_x

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}"


class Dropout(Module):
    """Zero each element with probability ``p`` while training; identity in ``eval()``.

    Unit: ``training``. Each training forward draws a fresh seed for the
    unit's ``dropout_forward`` from ``rng`` (or the module-level generator,
    see :func:`manual_seed`), so a run is reproducible from its seeds.
    """

    def __init__(self, p=0.5, *, rng=None):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self._rng = p, rng

    def forward(self, input):  # noqa: A002 (torch's argument name)
        rng = _default_rng if self._rng is None else self._rng
        seed = int(rng.integers(2**63)) if self.training else None
        out, self._cache = units.function("training", "dropout_forward")(
            input, self.p, training=self.training, seed=seed)
        return out

    def backward(self, grad_output):
        return units.function("training", "dropout_backward")(grad_output, self._saved())

    def extra_repr(self):
        return f"p={self.p}"
