"""The zh-CN words for what each rubric check grades (``about`` in ``grader/rubric/*.toml``).

Gradescope names each test ``<check id>: <about>``. Keyed by the English ``about``,
so that a reworded check falls back to its English words until it is translated
here (``tests/grader/test_lang.py`` says which are missing).
"""

_FLOAT32 = "每个函数都让 float32 输入保持 float32"
_UNMODIFIED = "没有函数原地修改它的参数"

ABOUT = {
    # activations
    "relu_forward's values": "relu_forward 的值",
    "relu_backward's gradient, including the subgradient at exactly 0":
        "relu_backward 的梯度，包括恰好为 0 处的次梯度",
    "leaky_relu_forward's values, for the default and other slopes":
        "leaky_relu_forward 的值，默认斜率和其他斜率",
    "leaky_relu_backward's gradient, including the subgradient at exactly 0":
        "leaky_relu_backward 的梯度，包括恰好为 0 处的次梯度",
    "sigmoid_forward's values": "sigmoid_forward 的值",
    "sigmoid_backward's gradient": "sigmoid_backward 的梯度",
    "sigmoid stays finite, with no overflow warning, for inputs up to 1e4 in magnitude":
        "输入的绝对值大到 1e4 时，sigmoid 保持有限，且没有溢出警告",
    "tanh_forward's values": "tanh_forward 的值",
    "tanh_backward's gradient": "tanh_backward 的梯度",
    "softmax_forward's values along every dim, the last and the first included":
        "softmax_forward 沿每个 dim 的值，包括最后一个和第一个",
    "softmax_backward's gradient along every dim": "softmax_backward 沿每个 dim 的梯度",
    "softmax stays finite, with no overflow warning, for inputs up to 1e4 in magnitude":
        "输入的绝对值大到 1e4 时，softmax 保持有限，且没有溢出警告",
    "log_softmax_forward's values along every dim": "log_softmax_forward 沿每个 dim 的值",
    "log_softmax_backward's gradient along every dim": "log_softmax_backward 沿每个 dim 的梯度",
    "log_softmax stays finite, with no overflow warning, for inputs up to 1e4 in magnitude":
        "输入的绝对值大到 1e4 时，log_softmax 保持有限，且没有溢出警告",
    "every function keeps float32 inputs in float32": _FLOAT32,
    "no function modifies its arguments in place": _UNMODIFIED,
    # losses
    "mse_loss_forward's value, for both reductions": "mse_loss_forward 的值，两种 reduction",
    "mse_loss_backward's gradient, for both reductions": "mse_loss_backward 的梯度，两种 reduction",
    "binary_cross_entropy_forward's value, for both reductions":
        "binary_cross_entropy_forward 的值，两种 reduction",
    "binary_cross_entropy_backward's gradient, for both reductions":
        "binary_cross_entropy_backward 的梯度，两种 reduction",
    "binary cross entropy on probabilities of exactly 0 and 1: torch's clamped logs":
        "概率恰好为 0 和 1 时的二元交叉熵：torch 截断过的对数",
    "binary_cross_entropy_with_logits_forward's value, for both reductions":
        "binary_cross_entropy_with_logits_forward 的值，两种 reduction",
    "binary_cross_entropy_with_logits_backward's gradient, for both reductions":
        "binary_cross_entropy_with_logits_backward 的梯度，两种 reduction",
    "binary cross entropy with logits stays finite, with no warning, for logits up to 1e4":
        "logits 大到 1e4 时，带 logits 的二元交叉熵保持有限，且没有警告",
    "cross_entropy_forward's value, for both reductions":
        "cross_entropy_forward 的值，两种 reduction",
    "cross_entropy_backward's gradient, for both reductions":
        "cross_entropy_backward 的梯度，两种 reduction",
    "cross entropy stays finite, with no warning, for logits up to 1e4":
        "logits 大到 1e4 时，交叉熵保持有限，且没有警告",
    "every loss keeps float32 inputs in float32 (its gradient included)":
        "每个损失都让 float32 输入保持 float32（包括它的梯度）",
    # linear
    "linear_forward's values for a batch of vectors x (N, in), with and without a bias":
        "linear_forward 对一批向量 x (N, in) 的值，有 bias 和无 bias",
    "linear_backward's gradients for a batch of vectors x (N, in), and None for a missing bias":
        "linear_backward 对一批向量 x (N, in) 的梯度，没有 bias 时返回 None",
    "linear_forward and linear_backward treat every leading axis of x as a batch axis, none "
    "included":
        "linear_forward 和 linear_backward 把 x 的每个前导轴都当作批次轴，包括没有前导轴的情形",
    "least_squares's weight and bias for a full-rank design and targets y (N, K)":
        "least_squares 对满秩设计矩阵和目标 y (N, K) 给出的 weight 和 bias",
    "least_squares for targets y (N,): weight (1, D) and bias (1,)":
        "目标为 y (N,) 时的 least_squares：weight (1, D) 和 bias (1,)",
    "least_squares gives the minimum-norm fit when the minimiser is not unique":
        "最小化解不唯一时，least_squares 给出最小范数解",
    # optim
    "sgd_update without momentum matches torch.optim.SGD step after step, weight decay "
    "included":
        "不带 momentum 的 sgd_update 每一步都与 torch.optim.SGD 一致，包括权重衰减",
    "sgd_update with momentum and dampening matches torch.optim.SGD step after step, the first "
    "step included":
        "带 momentum 和 dampening 的 sgd_update 每一步都与 torch.optim.SGD 一致，包括第一步",
    "sgd_update with Nesterov momentum matches torch.optim.SGD step after step":
        "带 Nesterov momentum 的 sgd_update 每一步都与 torch.optim.SGD 一致",
    "rmsprop_update matches torch.optim.RMSprop step after step, for the default and other "
    "settings":
        "rmsprop_update 每一步都与 torch.optim.RMSprop 一致，默认设置和其他设置",
    "rmsprop_update with centered=True matches torch.optim.RMSprop step after step":
        "centered=True 的 rmsprop_update 每一步都与 torch.optim.RMSprop 一致",
    "rmsprop_update with momentum matches torch.optim.RMSprop step after step":
        "带 momentum 的 rmsprop_update 每一步都与 torch.optim.RMSprop 一致",
    "adam_update matches torch.optim.Adam step after step, for the default and other settings":
        "adam_update 每一步都与 torch.optim.Adam 一致，默认设置和其他设置",
    "adam_update and adamw_update with amsgrad=True match torch step after step":
        "amsgrad=True 的 adam_update 和 adamw_update 每一步都与 torch 一致",
    "adamw_update matches torch.optim.AdamW step after step: decoupled weight decay":
        "adamw_update 每一步都与 torch.optim.AdamW 一致：解耦的权重衰减",
    "every update keeps a float32 param in float32": "每个更新都让 float32 的 param 保持 float32",
    "no update modifies its param, grad or state in place":
        "没有更新原地修改它的 param、grad 或 state",
    # conv
    "conv2d_forward's values with stride 1 and no padding, with and without a bias":
        "stride 为 1、无 padding 时 conv2d_forward 的值，有 bias 和无 bias",
    "conv2d_backward's gradient with respect to x, with stride 1 and no padding":
        "stride 为 1、无 padding 时 conv2d_backward 对 x 的梯度",
    "conv2d_backward's gradient with respect to weight, with stride 1 and no padding":
        "stride 为 1、无 padding 时 conv2d_backward 对 weight 的梯度",
    "conv2d_backward's gradient with respect to bias, and None when there is no bias":
        "conv2d_backward 对 bias 的梯度，没有 bias 时为 None",
    "conv2d's output and its gradients for x and weight with a stride, an int or a pair":
        "有 stride（整数或二元组）时 conv2d 的输出及其对 x 和 weight 的梯度",
    "conv2d's output and its gradients for x and weight with zero padding, an int or a pair":
        "有零填充 padding（整数或二元组）时 conv2d 的输出及其对 x 和 weight 的梯度",
    "conv2d's output and its gradients for x and weight with a stride and padding together":
        "stride 和 padding 同时存在时 conv2d 的输出及其对 x 和 weight 的梯度",
    "max_pool2d_forward's values for windows that do not overlap, the default stride included":
        "窗口不重叠时 max_pool2d_forward 的值，包括默认的 stride",
    "max_pool2d_backward's gradient for windows that do not overlap":
        "窗口不重叠时 max_pool2d_backward 的梯度",
    "max pooling's output and gradient when windows overlap (a stride smaller than the kernel)":
        "窗口重叠时（stride 小于窗口大小）最大池化的输出和梯度",
    "max_pool2d_backward routes a window's gradient to one maximum when several tie, as torch "
    "does":
        "多个最大值并列时，max_pool2d_backward 像 torch 一样把窗口的梯度只传给其中一个",
    # rnn
    "rnn_cell_forward's new hidden state": "rnn_cell_forward 的新隐藏状态",
    "rnn_cell_backward's gradients with respect to x, h, both weights and both biases":
        "rnn_cell_backward 对 x、h、两个权重和两个偏置的梯度",
    "rnn_forward's output and h_n, for sequences of length 1 and longer":
        "rnn_forward 的 output 和 h_n，序列长度为 1 及更长",
    "rnn_backward's gradients through time, with upstream gradients on both output and h_n":
        "rnn_backward 沿时间的梯度，output 和 h_n 都有上游梯度",
    "None arguments as torch treats them: h0=None is zeros, grad_h_n=None is no gradient, a None "
    "bias is absent, and their gradients are None":
        "像 torch 一样对待 None 参数：h0=None 即零，grad_h_n=None 即没有梯度，None 偏置即没有偏置，"
        "它们的梯度为 None",
    # attention
    "scaled_dot_product_attention_forward's values, with and without leading batch dims, L != S "
    "and Ev != E":
        "scaled_dot_product_attention_forward 的值，有和没有前导批次维，L != S 且 Ev != E",
    "scaled_dot_product_attention_backward's gradients for query, key and value":
        "scaled_dot_product_attention_backward 对 query、key 和 value 的梯度",
    "a boolean attn_mask (True = allowed) that broadcasts against the scores, forward and "
    "backward":
        "与分数广播的布尔 attn_mask（True 表示允许），前向和反向",
    "a query row whose keys are all masked: torch's zero output and zero gradient, no NaN, no "
    "warning":
        "所有 key 都被屏蔽的 query 行：与 torch 一样输出为零、梯度为零，没有 NaN，没有警告",
    "is_causal=True, torch's lower-triangular mask, including when L != S, forward and backward":
        "is_causal=True，torch 的下三角掩码，包括 L != S 的情形，前向和反向",
    "scaled_dot_product_attention stays finite, with no overflow warning, for very large scores":
        "分数非常大时，scaled_dot_product_attention 保持有限，且没有溢出警告",
    "multi_head_attention_forward's values, for one head and for several":
        "multi_head_attention_forward 的值，单个头和多个头",
    "multi_head_attention_backward's gradients for x and all four parameters":
        "multi_head_attention_backward 对 x 和全部四个参数的梯度",
    "in_proj_bias and out_proj_bias of None: no bias added, and None returned for their "
    "gradients":
        "in_proj_bias 和 out_proj_bias 为 None：不加偏置，它们的梯度返回 None",
    "multi_head_attention with is_causal=True, forward and backward":
        "is_causal=True 的 multi_head_attention，前向和反向",
    # normalization
    "batch_norm_forward's output in training mode, for (N, C) and (N, C, *) inputs, with and "
    "without weight and bias":
        "训练模式下 batch_norm_forward 的输出，输入为 (N, C) 和 (N, C, *)，有和没有 weight 与 bias",
    "batch_norm_forward's new running mean and variance match torch's update (and are None when "
    "not given)":
        "batch_norm_forward 新的运行均值和方差与 torch 的更新一致（没有给出时为 None）",
    "batch_norm_backward's gradients in training mode, also with several layers in flight at "
    "once":
        "训练模式下 batch_norm_backward 的梯度，也包括多个层同时在计算中的情形",
    "batch_norm_forward and batch_norm_backward with training=False: the running statistics "
    "normalise":
        "training=False 时的 batch_norm_forward 和 batch_norm_backward：用运行统计量归一化",
    "layer_norm_forward's values, for normalized_shape an int or a tuple, with and without "
    "weight and bias":
        "layer_norm_forward 的值，normalized_shape 为整数或元组，有和没有 weight 与 bias",
    "layer_norm_backward's gradients, for normalized_shape an int or a tuple":
        "layer_norm_backward 的梯度，normalized_shape 为整数或元组",
    "rms_norm_forward's values, the default eps included": "rms_norm_forward 的值，包括默认的 eps",
    "rms_norm_backward's gradients": "rms_norm_backward 的梯度",
    "every function keeps float32 inputs in float32 (and gives the right values)":
        "每个函数都让 float32 输入保持 float32（并给出正确的值）",
    "no function modifies its arguments in place, the running statistics included":
        "没有函数原地修改它的参数，包括运行统计量",
    # training
    "dropout_forward zeroes about a fraction p of the elements, scales the rest by 1/(1-p), and "
    "the same seed gives the same mask":
        "dropout_forward 把约比例为 p 的元素置零，其余乘以 1/(1-p)，同一个 seed 给出同一个掩码",
    "dropout_backward's gradient goes through the forward's mask, with the same scaling":
        "dropout_backward 的梯度经过前向的掩码，缩放相同",
    "dropout with p=0, p=1 and training=False, forward and backward":
        "p=0、p=1 和 training=False 时的 dropout，前向和反向",
    "dropout_forward raises ValueError for p outside [0, 1]":
        "p 在 [0, 1] 之外时 dropout_forward 抛出 ValueError",
    "clip_grad_norm's clipped gradients and total norm match torch.nn.utils.clip_grad_norm_ for "
    "2-norms and other p-norms":
        "clip_grad_norm 裁剪后的梯度和总范数与 torch.nn.utils.clip_grad_norm_ 一致，2-范数和其他 "
        "p-范数",
    "clip_grad_norm with norm_type=inf matches torch":
        "norm_type=inf 时 clip_grad_norm 与 torch 一致",
    "lr_at matches torch's StepLR at every step": "lr_at 在每一步都与 torch 的 StepLR 一致",
    "lr_at matches torch's CosineAnnealingLR at every step, past T_max included":
        "lr_at 在每一步都与 torch 的 CosineAnnealingLR 一致，包括 T_max 之后",
    "lr_at matches torch's SequentialLR of a linear warm-up and a cosine at every step, at and "
    "after the milestone":
        "lr_at 在每一步都与 torch 由线性预热和余弦组成的 SequentialLR 一致，包括里程碑处及之后",
    "lr_at matches torch's OneCycleLR (default settings) at every step":
        "lr_at 在每一步都与 torch 的 OneCycleLR（默认设置）一致",
    "calculate_gain matches torch.nn.init.calculate_gain for every nonlinearity":
        "对每种 nonlinearity，calculate_gain 都与 torch.nn.init.calculate_gain 一致",
    "kaiming_uniform draws from torch's bounds for every mode, slope and nonlinearity, "
    "reproducibly from the seed":
        "kaiming_uniform 对每种 mode、斜率和 nonlinearity 都在 torch 的界内抽取，由 seed 可复现",
    "xavier_uniform draws from torch's bounds for every gain, reproducibly from the seed":
        "xavier_uniform 对每个 gain 都在 torch 的界内抽取，由 seed 可复现",
    "dropout and clip_grad_norm keep float32 inputs in float32 (and give the right values)":
        "dropout 和 clip_grad_norm 让 float32 输入保持 float32（并给出正确的值）",
    "dropout and clip_grad_norm never modify their arguments in place":
        "dropout 和 clip_grad_norm 从不原地修改它们的参数",
    # transformer
    "embedding_forward's values, for index arrays of any shape":
        "embedding_forward 的值，索引数组可为任意形状",
    "embedding_backward's gradient for the table, when every index appears once":
        "每个索引只出现一次时，embedding_backward 对表的梯度",
    "embedding_backward when an index appears more than once: its row collects every "
    "occurrence":
        "索引出现多次时的 embedding_backward：它那一行要累加每一次出现",
    "padding_idx as torch treats it (also negative): the lookup is unchanged and that row gets "
    "zero gradient":
        "像 torch 一样对待 padding_idx（也可为负）：查找结果不变，那一行的梯度为零",
    "an index outside [0, V), negative ones included, raises IndexError":
        "[0, V) 之外的索引（包括负索引）抛出 IndexError",
    "sinusoidal_positional_encoding's values, for short and long sequences and small and large "
    "dims":
        "sinusoidal_positional_encoding 的值，短序列和长序列，小维度和大维度",
    "gelu_forward's values (exact, with erf)": "gelu_forward 的值（精确形式，用 erf）",
    "gelu_backward's gradient (exact, with erf)": "gelu_backward 的梯度（精确形式，用 erf）",
    "approximate='tanh': gelu_forward's values and gelu_backward's gradient":
        "approximate='tanh'：gelu_forward 的值和 gelu_backward 的梯度",
    "gelu stays finite and right, with no overflow warning, for inputs up to 1e4 in magnitude":
        "输入的绝对值大到 1e4 时，gelu 保持有限且正确，没有溢出警告",
    "every function keeps float32 inputs (and float32 tables) in float32":
        "每个函数都让 float32 输入（和 float32 的表）保持 float32",
    "no function modifies its arguments, or the arrays its cache holds, in place":
        "没有函数原地修改它的参数或它的 cache 中的数组",
    # gated
    "lstm_cell_forward's new hidden and cell states": "lstm_cell_forward 的新隐藏状态和细胞状态",
    "lstm_cell_backward's gradients with respect to x, h, c, both weights and both biases":
        "lstm_cell_backward 对 x、h、c、两个权重和两个偏置的梯度",
    "lstm_forward's output, h_n and c_n, for sequences of length 1 and longer":
        "lstm_forward 的 output、h_n 和 c_n，序列长度为 1 及更长",
    "lstm_backward's gradients through time, with upstream gradients on output, h_n and c_n, "
    "and in a stack of two LSTMs":
        "lstm_backward 沿时间的梯度，output、h_n 和 c_n 都有上游梯度，也包括两个 LSTM 堆叠的情形",
    "None arguments of the LSTM functions as torch treats them: zero states, no gradient, no "
    "bias, and None for their gradients":
        "像 torch 一样对待 LSTM 函数的 None 参数：零状态、没有梯度、没有偏置，它们的梯度为 None",
    "gru_cell_forward's new hidden state": "gru_cell_forward 的新隐藏状态",
    "gru_cell_backward's gradients with respect to x, h, both weights and both biases":
        "gru_cell_backward 对 x、h、两个权重和两个偏置的梯度",
    "gru_forward's output and h_n, for sequences of length 1 and longer":
        "gru_forward 的 output 和 h_n，序列长度为 1 及更长",
    "gru_backward's gradients through time, with upstream gradients on output and h_n, and in a "
    "stack of two GRUs":
        "gru_backward 沿时间的梯度，output 和 h_n 都有上游梯度，也包括两个 GRU 堆叠的情形",
    "None arguments of the GRU functions as torch treats them: zero state, no gradient, no bias, "
    "and None for their gradients":
        "像 torch 一样对待 GRU 函数的 None 参数：零状态、没有梯度、没有偏置，它们的梯度为 None",
    "the LSTM and the GRU stay finite and right, with no overflow warning, for very large gate "
    "pre-activations":
        "门的预激活值非常大时，LSTM 和 GRU 保持有限且正确，没有溢出警告",
}
