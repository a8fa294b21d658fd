"""The zh-CN phrase table for the English the checks write (``tests/hidden``, ``tests/public``).

The checks write plain English: a ``context=`` (``for x of shape (2, 3), dim=1``),
a diagnosis (``Evidence``), or a whole sentence given to ``expect``. The hidden
tests stay English; these tables give their Chinese, read by ``grader.i18n``
through ``zh_cn.EXACT``, ``zh_cn.PATTERNS`` and ``zh_cn.PARTS``.

A pattern matches a whole phrase; its groups are translated in turn (a group
that is a context becomes its Chinese condition, a code name stays as it is).
``_NAME`` is a function's name as the checks write it (``linear_backward``,
``lstm_cell_forward (h_next)``, ``conv2d_backward's grad_x``) and ``_CTX`` a
context (``for ...``, ``at step ...``, ``with ...``).
"""

_NAME = r"([\w.]+(?:'s \w+| \([\w ,]+\))?)"
_CTX = r"((?:for|at|with|on|in|after) .+?)"
_TYPE = r"(.+?)"

EXACT = {
    # the order two layers run in
    "forward A, forward B, backward B, backward A": "前向 A、前向 B、反向 B、反向 A",
    "forward A, forward B, backward A, backward B": "前向 A、前向 B、反向 A、反向 B",
    "returned normally": "正常返回了",
    "the default hyper-parameters": "默认超参数",
    "first": "第一",
    "second": "第二",
    "a first": "第一次",
    "a second": "第二次",
    # diagnoses (Evidence) of the checks
    "momentum weighs the running statistics instead of the batch's: new = (1 - momentum) * "
    "running + momentum * batch.":
        "momentum 加权的是运行统计量而不是批次统计量：new = (1 - momentum) * running + "
        "momentum * batch。",
    "it normalises with the unbiased variance; torch normalises with the biased one (divide by "
    "M, the number of values per channel).":
        "它用无偏方差做归一化；torch 用有偏方差归一化（除以 M，即每个通道的值的个数）。",
    "it normalises with the batch's statistics; with training=False the running statistics "
    "normalise.":
        "它用批次的统计量做归一化；training=False 时应当用运行统计量归一化。",
    "it differentiates through the batch's mean and variance; with training=False the running "
    "statistics are constants.":
        "它对批次的均值和方差求了导；training=False 时运行统计量是常数。",
    "r multiplies b_hn too: torch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), with b_hn "
    "inside the product.":
        "r 也要乘以 b_hn：torch 的 n = tanh(W_in x + b_in + r * (W_hn h + b_hn))，"
        "b_hn 在乘积之内。",
    "the decay starts one step early: torch multiplies by gamma once step // step_size grows, "
    "at steps step_size, 2 step_size, ...":
        "衰减早了一步开始：torch 在 step // step_size 增大时才乘以 gamma，即在第 step_size、"
        "2 step_size……步",
    "it stops at eta_min after T_max steps; torch's cosine goes on (back up) past T_max":
        "它在 T_max 步之后停在 eta_min；torch 的余弦在 T_max 之后继续（回升）",
    "the warm-up starts at 0; torch's LinearLR starts at base_lr * start_factor = base_lr / "
    "warmup_steps":
        "预热从 0 开始；torch 的 LinearLR 从 base_lr * start_factor = base_lr / warmup_steps 开始",
    "it anneals linearly; OneCycleLR's default anneal_strategy is 'cos'":
        "它按线性退火；OneCycleLR 默认的 anneal_strategy 是 'cos'",
    "approximate='tanh' is ignored: it asks for the tanh approximation, not erf.":
        "approximate='tanh' 被忽略了：它要求 tanh 近似，而不是 erf。",
    "padding_idx changes only the gradient: the lookup of that row is unchanged, as in torch.":
        "padding_idx 只改变梯度：那一行的查找结果不变，与 torch 相同。",
    "sin and cos are swapped: the even columns take sin, the odd ones cos.":
        "sin 和 cos 对调了：偶数列取 sin，奇数列取 cos。",
    "the sines and the cosines are in two halves; they interleave: column 2i is a sine, column "
    "2i + 1 the cosine of the same angle.":
        "正弦和余弦被分成了两半；它们应当交错：第 2i 列是正弦，第 2i + 1 列是同一角度的余弦。",
    "column j uses the exponent j / dim; columns 2i and 2i + 1 share the exponent 2i / dim.":
        "第 j 列用了指数 j / dim；第 2i 列和第 2i + 1 列共用指数 2i / dim。",
    "erf takes x / sqrt(2), not x: Phi(x) = (1 + erf(x / sqrt(2))) / 2.":
        "erf 的参数是 x / sqrt(2)，不是 x：Phi(x) = (1 + erf(x / sqrt(2))) / 2。",
    "it computes the tanh approximation; approximate='none' asks for the exact erf form.":
        "它算的是 tanh 近似；approximate='none' 要求精确的 erf 形式。",
    "the product rule gives two terms: the derivative of x * Phi(x) is Phi(x) plus x times the "
    "normal density.":
        "乘积法则给出两项：x * Phi(x) 的导数是 Phi(x) 加上 x 乘以正态分布的密度。",
    " NumPy wraps a negative index around; torch does not.":
        "NumPy 会把负索引绕回到末尾；torch 不会。",
    " Likely mistake: kept elements are not scaled by 1/(1-p).":
        "可能的错误：保留的元素没有乘以 1/(1-p)。",
    " Likely mistake: kept elements are scaled by (1-p) instead of 1/(1-p).":
        "可能的错误：保留的元素乘的是 (1-p)，而不是 1/(1-p)。",
    " (it looks like p is the probability of keeping)": "（看起来 p 被当成了保留的概率）",
    # contexts
    "for p=1 (every element dropped)": "p=1 时（所有元素都被丢弃）",
    "for training=False (x unchanged)": "training=False 时（x 保持不变）",
    "with is_causal=True and L = S = 4": "is_causal=True 且 L = S = 4 时",
}

PATTERNS = [
    # diagnoses with a number or a name in them
    (r"it normalises over the last axis only; normalized_shape=(.+) names the last (\d+) axes, "
     r"normalised together\.",
     "它只沿最后一个轴归一化；normalized_shape={0} 指的是最后 {1} 个轴，要一起归一化。"),
    (r"the padding_idx row \((\d+)\) should get zero gradient( \(a negative padding_idx counts "
     r"from the end\))?\.",
     lambda row, negative: f"padding_idx 那一行（{row}）的梯度应为零"
                           f"{'（负的 padding_idx 从末尾数起）' if negative else ''}。"),
    # whole sentences the checks give to expect()
    (_NAME + " " + _CTX + r" should return an array of shape (\(.*?\)); it returned (.+)\.",
     "{0}（{1}）应返回形状为 {2} 的数组；它返回了 {3}。"),
    (_NAME + " " + _CTX + r" should return a float array of shape (\(.*?\)); it returned (.+)\.",
     "{0}（{1}）应返回形状为 {2} 的浮点数组；它返回了 {3}。"),
    (_NAME + " " + _CTX + r" should return an array of shape (\(.*?\))\.",
     "{0}（{1}）应返回形状为 {2} 的数组。"),
    (_NAME + " " + _CTX + r" should return a NumPy array; it returned " + _TYPE + r"\.",
     "{0}（{1}）应返回 NumPy 数组；它返回了 {2}。"),
    (_NAME + " " + _CTX + r" returned only zeros; torch's values are not all zero\.",
     "{0}（{1}）只返回了零；torch 的值并不全为零。"),
    (_NAME + " " + _CTX + r" returned dtype (\w+); expected (\w+) \(keep the input's dtype\)\.",
     "{0}（{1}）返回的 dtype 为 {2}；应为 {3}（保持输入的 dtype）。"),
    (_NAME + r"(?: " + _CTX + r")? should return a number; it returned "
     + _TYPE + r"\.",
     lambda name, where, kind: f"{name}{_where(where)}应返回一个数；它返回了 {kind}。"),
    (_NAME + r"(?: " + _CTX + r")? returned ([^;]+); expected ([^;]+)\.",
     lambda name, where, got, want: f"{name}{_where(where)}返回了 {got}；应为 {want}。"),
    (r"(\w+) should return a pair \((\w+), (\w+)\); it returned " + _TYPE + r"\.",
     "{0} 应返回一对值 ({1}, {2})；它返回了 {3}。"),
    (_NAME + " " + _CTX + r": (.+?) should be the same as with zero biases \(a None bias adds "
     r"nothing\); it is not\.",
     "{0}（{1}）：{2} 应与零偏置时相同（None 偏置什么也不加）；但并不相同。"),
    (_NAME + " " + _CTX + r": (.+?) should be what you get when the fully masked query rows are "
     r"left out, since those rows attend to nothing; it is not\. Do the fully masked rows still "
     r"have nonzero attention weights\?",
     "{0}（{1}）：{2} 应等于去掉完全被屏蔽的 query 行之后的结果，因为这些行不关注任何位置；"
     "但并不相等。完全被屏蔽的行是否仍有非零的注意力权重？"),
    (_NAME + " " + _CTX + r" should return None for (\w+), since that bias is None; it returned "
     + _TYPE + r"\.",
     "{0}（{1}）应对 {2} 返回 None，因为那个偏置是 None；它返回了 {3}。"),
    (_NAME + " " + _CTX + r" should return grad_bias = None, as there is no bias; it returned "
     + _TYPE + r"\.",
     "{0}（{1}）应返回 grad_bias = None，因为没有偏置；它返回了 {2}。"),
    (r"(\w+) should return grad_bias = None when bias is None\.",
     "bias 为 None 时，{0} 应返回 grad_bias = None。"),
    (_NAME + " " + _CTX + r": (.+?) should be None, since the forward had no bias; it returned "
     + _TYPE + r"\.",
     "{0}（{1}）：{2} 应为 None，因为前向没有偏置；它返回了 {3}。"),
    (_NAME + " " + _CTX + r": (.+?) should be None, since the forward had no bias\.",
     "{0}（{1}）：{2} 应为 None，因为前向没有偏置。"),
    (_NAME + " " + _CTX + r": (.+?) should be None, since that argument of the forward was None; "
     r"it returned " + _TYPE + r"\.",
     "{0}（{1}）：{2} 应为 None，因为前向的那个参数是 None；它返回了 {3}。"),
    (_NAME + " " + _CTX + r": for x reshaped to 2-D it returned (\w+) of shape (\(.*?\)), which "
     r"does not have one row per vector of x\.",
     "{0}（{1}）：对变形为二维的 x，它返回的 {2} 形状为 {3}，不是 x 的每个向量对应一行。"),
    (_NAME + " " + _CTX + r": (\w+) was (\w+), but (\w+) for x reshaped to 2-D\.",
     "{0}（{1}）：{2} 是 {3}，但对变形为二维的 x 是 {4}。"),
    (_NAME + r" " + _CTX + r" has shape (\(.*?\)), but (\(.*?\)) when zeros are passed in place "
     r"of the None argument\(s\)\.",
     "{0}（{1}）的形状为 {2}，但用零代替 None 参数传入时形状为 {3}。"),
    (_NAME + r" " + _CTX + r" should be a NumPy array; it returned " + _TYPE + r"\.",
     "{0}（{1}）应为 NumPy 数组；它返回了 {2}。"),
    (_NAME + r" " + _CTX + r" differs from what your code returns when zeros are passed in place "
     r"of the None argument\(s\): torch treats (.+?) as zeros, (.+?) as a zero gradient, and a "
     r"None bias as no bias at all\.",
     "{0}（{1}）与用零代替 None 参数传入时你的代码的返回值不同：torch 把 {2} 当作零，把 {3} "
     "当作零梯度，把 None 偏置当作没有偏置。"),
    (r"a None state", "None 状态"),
    (r"a None upstream gradient", "None 上游梯度"),
    (r"(\w+) returned an array for (\w+), but (\w+) was None: the gradient of an argument that "
     r"was None is None\.",
     "{0} 为 {1} 返回了数组，但 {2} 是 None：值为 None 的参数，其梯度也是 None。"),
    (r"(\w+) with (running_mean)=None and (running_var)=None should return None for both new "
     r"running statistics; it returned (\w+) and (\w+)\.",
     "{1}=None 且 {2}=None 时，{0} 应对两个新的运行统计量都返回 None；它返回了 {3} 和 {4}。"),
    (r"dropout_forward " + _CTX + r" kept (\S+) of the elements; each should be kept with "
     r"probability 1 - p\.",
     "dropout_forward（{0}）保留了 {1} 的元素；每个元素应以概率 1 - p 被保留。"),
    (r"dropout_forward " + _CTX + r": a second call with the same seed returned a different "
     r"result\. Draw the mask from numpy\.random\.default_rng\(seed\)\.",
     "dropout_forward（{0}）：用同一个 seed 第二次调用返回了不同的结果。请用 "
     "numpy.random.default_rng(seed) 生成掩码。"),
    (r"dropout_forward " + _CTX + r": another x of the same shape got a different mask from the "
     r"same seed; the mask should depend only on the seed and the shape \(draw it from "
     r"numpy\.random\.default_rng\(seed\)\)\.",
     "dropout_forward（{0}）：形状相同的另一个 x 用同一个 seed 得到了不同的掩码；掩码应只取决于 "
     "seed 和形状（请用 numpy.random.default_rng(seed) 生成）。"),
    (r"dropout_forward " + _CTX + r" dropped a fraction (\S+) of the elements; expected about "
     r"(\S+) \(each element is zeroed with probability p\)(.*)\.",
     "dropout_forward（{0}）丢弃了比例为 {1} 的元素；应约为 {2}（每个元素以概率 p 被置零）{3}。"),
    (r"dropout_forward " + _CTX + r": the mask repeats itself \((\d+) distinct rows and (\d+) "
     r"distinct columns of (\d+)\)\. Draw one independent value per element\.",
     "dropout_forward（{0}）：掩码有重复（{3} 行中只有 {1} 行不同，{3} 列中只有 {2} 列不同）。"
     "请为每个元素单独抽取一个值。"),
    (r"dropout_forward " + _CTX + r": the same seed should give the same mask\.",
     "dropout_forward（{0}）：同一个 seed 应给出同一个掩码。"),
    (r"dropout_forward with p=(\S+) should raise ValueError \(p is a probability, in \[0, 1\]\); "
     r"it (.+)\.",
     "p={0} 时 dropout_forward 应抛出 ValueError（p 是概率，在 [0, 1] 之内）；它{1}。"),
    (r"dropout_forward with p=(\S+) should raise ValueError; it (.+)\.",
     "p={0} 时 dropout_forward 应抛出 ValueError；它{1}。"),
    (r"raised (\w+)", "抛出了 {0}"),
    (r"calculate_gain\((.+)\) should raise ValueError \(torch has no gain for it\); it (.+)\.",
     "calculate_gain({0}) 应抛出 ValueError（torch 没有它的增益）；它{1}。"),
    (_NAME + " " + _CTX + r": the largest \|value\| of (\d+) is (\S+), well inside torch's bound "
     r"(\S+): the values should fill U\(-bound, bound\)\.",
     "{0}（{1}）：{2} 个值中最大的 |value| 是 {3}，远在 torch 的界 {4} 之内：这些值应铺满 "
     "U(-bound, bound)。"),
    (_NAME + " " + _CTX + r": the values are not spread uniformly over \[-bound, bound\] \(their "
     r"distribution function is (\S+) away from the uniform's\)\.",
     "{0}（{1}）：这些值没有均匀地分布在 [-bound, bound] 上（它们的分布函数与均匀分布的相差 "
     "{2}）。"),
    (_NAME + " " + _CTX + r": the same seed should give the same values; a second call returned "
     r"others\. Draw from numpy\.random\.default_rng\(seed\)\.",
     "{0}（{1}）：同一个 seed 应给出相同的值；第二次调用返回了别的值。请用 "
     "numpy.random.default_rng(seed) 抽取。"),
    (_NAME + " " + _CTX + r": seeds (\d+) and (\d+) gave the same values; the seed should pick "
     r"the draw\.",
     "{0}（{1}）：seed {2} 和 {3} 给出了相同的值；seed 应决定抽取的结果。"),
    (_NAME + " " + _CTX + r": values reach (\S+), beyond torch's bound (\S+)\.",
     "{0}（{1}）：值达到了 {2}，超出了 torch 的界 {3}。"),
    (_NAME + " " + _CTX + r": (\d+) of (\d+) elements are neither exactly 0 nor x / \(1 - p\) = "
     r"x \* (\S+); at index (\(.*?\)), x is (\S+) and out is (\S+)\.(.*)",
     "{0}（{1}）：{3} 个元素中有 {2} 个既不恰好为 0，也不等于 x / (1 - p) = x * {4}；在索引 {5} "
     "处，x 为 {6}，out 为 {7}。{8}"),
    (r"(\w+) should return a pair \((\w+), (\w+)\); it returned " + _TYPE + r"\.",
     "{0} 应返回一对值 ({1}, {2})；它返回了 {3}。"),
    (r"clip_grad_norm " + _CTX + r" should return a list of (\d+) clipped gradients; it returned "
     r"(\w+)(?: of (\d+))?\.",
     lambda ctx, n, kind, k: f"clip_grad_norm（{ctx}）应返回含 {n} 个裁剪后梯度的列表；"
                             f"它返回了{f'含 {k} 项的 ' if k else ' '}{kind}。"),
    (r"embedding_forward raised (\w+) for index (-?\d+) into a table of (\d+) rows; torch raises "
     r"IndexError for an index outside \[0, V\)\.",
     "对 {2} 行的表使用索引 {1} 时，embedding_forward 抛出了 {0}；对 [0, V) 之外的索引，torch "
     "抛出 IndexError。"),
    (r"embedding_forward returned normally for index (-?\d+) into a table of (\d+) rows; torch "
     r"raises IndexError for any index outside \[0, V\)\.(.*)",
     "对 {1} 行的表使用索引 {0} 时，embedding_forward 正常返回了；对 [0, V) 之外的任何索引，"
     "torch 都会抛出 IndexError。{2}"),
    # where a submission raised, and NumPy's warnings (after "RuntimeWarning: ")
    (r"([\w.]+), line (\d+), in (\S+): (?P<code>.*)", "{0} 第 {1} 行，{2} 中：{3}"),
    (r"([\w.]+), line (\d+), in (\S+)", "{0} 第 {1} 行，{2} 中"),
    (r"([\w.]+), line (\d+)", "{0} 第 {1} 行"),
    (r"(\w+Warning): (.+) \(line (\d+)\)", "{0}: {1}（第 {2} 行）"),
    (r"overflow encountered in (\w+)", "{0} 中发生溢出"),
    (r"underflow encountered in (\w+)", "{0} 中发生下溢"),
    (r"divide by zero encountered in (\w+)", "{0} 中出现除以零"),
    (r"invalid value encountered in (\w+)", "{0} 中出现无效值"),
    # the capstones (grader.run.capstones)
    (r"reached its target\.", "达到了目标。"),
    (r"below its target\.", "低于目标。"),
    (r"training raised (\w+): (?P<code>.*)", "训练时抛出了 {0}: {1}"),
    (r"training sent back a malformed result\.", "训练发回了格式错误的结果。"),
    (r"training (.+)\.", "训练{0}。"),
    # contexts that are more than a list of shapes
    (r"(.+) and an attn_mask whose rows (\d+) and (\d+) are all False(: .+)?",
     lambda shapes, one, two, what: f"{shapes}，attn_mask 的第 {one} 行和第 {two} 行全为 False"
                                   f"{what.replace(': ', '：', 1)}"),
    (r"for (embedding|GELU) (\w+) of two run as (.+?) \((.*)\)",
     lambda kind, name, order, shapes: f"{_TWO[kind]}{name}，"
                                       f"按“{order}”的顺序运行（{shapes}）"),
    (r"for (layer|cell|loss|step) (\w+) of (.+?),? run as (.+?) \((.*)\)",
     lambda kind, name, chain, order, shapes: f"{chain} 中的{_KINDS[kind]} {name}，"
                                              f"按“{order}”的顺序运行（{shapes}）"),
    (r"for layer (\w+) of x -> (.+?) \((.+)\), run as (.+)",
     "x -> {1} 中的层 {0}（{2}），按“{3}”的顺序运行"),
    (r"for two (\w+) layers stacked as in (.+?), (N=.+?): layer 1 forward, layer 2 forward on "
     r"its output, then backward through layer 2 and layer 1, each with its own cache",
     "两个 {0} 层像 {1} 那样堆叠，{2}：第 1 层前向，第 2 层在它的输出上前向，然后反向经过第 2 层"
     "和第 1 层，每层用自己的 cache"),
    (r"for (\w+) inputs of magnitude ~(\d+) \(gate pre-activations in the thousands\)",
     "{0} 的输入量级约为 {1} 时（门的预激活值达到数千）"),
    (r"for float32 inputs with (.+) None", "输入为 float32 且 {0} 为 None 时"),
    (r"(.+), with (.+?) = None", "{0}，{1} 为 None"),
    (r"(.+), with zeros given for those arguments", "{0}，这些参数传入零"),
    (r"(.+), with an upstream gradient on (.+) only", "{0}，只有 {1} 有上游梯度"),
    (r"at step (\d+) of (\d+) \(state=None at step 1\), (.+)",
     "第 {0} 步（共 {1} 步，第 1 步时 state=None），{2}"),
    (r"at step (\d+), for float32 param and grad, with every buffer \((.+)\)",
     "第 {0} 步，param 和 grad 为 float32，启用所有缓冲（{1}）"),
    (r"at step (\d+), for float32 param and grad, (.+)",
     "第 {0} 步，param 和 grad 为 float32，{1}"),
    (r"at step (\d+), (.+)", "第 {0} 步，{1}"),
    (r"in a training loop over (\d+) parameters of shapes (.+?), each with its own state, with lr "
     r"changed between steps by a schedule: parameter (\d+) at step (\d+), (.+)",
     "在训练循环中更新 {0} 个参数（形状为 {1}），每个参数有自己的状态，lr 在步与步之间按调度改变："
     "第 {2} 个参数，第 {3} 步，{4}"),
    (r"at step=(\S+) of schedule=(\S+), (.+)", "schedule={1} 的 step={0}，{2}"),
    (r"at training step (\d+), for the gradients of a conv weight (\(.*?\)), its bias, a linear "
     r"weight (\(.*?\)) and its bias, (.+)",
     "训练第 {0} 步，卷积 weight {1}、它的 bias、线性层 weight {2} 和它的 bias 的梯度，{3}"),
    (r"for the (\w+) of two dropout layers \((.+?)\), (a \w+) time, after both forwards ran: "
     r"the gradient goes through that forward's own mask",
     "两个 dropout 层（{1}）中的{0}个，{2}调用，两个前向都运行之后：梯度要经过那个前向自己的掩码"),
    (r"for the (\w+) of two layers \((.+?)\) after both forwards ran: the backward must use its "
     r"own forward's cache",
     "两层（{1}）中的{0}层，两个前向都运行之后：反向必须使用它自己的前向的 cache"),
    (r"after batch (\d+) of (\d+) \(each of shape (\(.*?\))\), feeding the returned running "
     r"statistics back in, (.+)",
     "第 {0} 个批次之后（共 {1} 个，形状均为 {2}），每次把返回的运行统计量传回去，{3}"),
    (r"for (\w+) x of shape (\(.*?\)) with values about (\S+), eps=None \((.+?), (\S+)\)",
     "x 为 {0}、形状为 {1}、数值约为 {2} 时，eps=None（{3}，{4}）"),
    (r"for X of shape (\(.*?\)) with (.+?) \(rank (\d+)\) and y of shape (\(.*?\)), the "
     r"minimum-norm fit",
     "X 的形状为 {0}，{1}（秩为 {2}），y 的形状为 {3}，最小范数解"),
    (r"duplicated columns", "有重复的列"),
    (r"dependent columns", "有线性相关的列"),
    (r"fewer samples than features", "样本少于特征"),
    (r"a constant column", "有常数列"),
    (r"for a float32 x of shape (.+)", "x 为 float32，形状为 {0}"),
    (r"for indices (\[.*\]) and a (\(.*?\)) table", "indices 为 {0}，表的形状为 {1}"),
    (r"on a 2x3 example, (.+)", "在一个 2x3 的例子上，{0}"),
    (r"(.+) \(every leading axis is a batch axis: the result should be that for x reshaped to "
     r"(\(.*?\))\)",
     "{0}（每个前导轴都是批次轴：结果应与把 x 变形为 {1} 时相同）"),
]

PARTS = [
    (r"^([\w.]+)'s (\w+)$", r"\1 的 \2"),
    (r"\((\w+) of layer (\d+)\)", r"（第 \2 层的 \1）"),
    (r" where one element is the maximum of every window", "，每个窗口都有一个元素是最大值"),
    (r" where every element of a window is equal", "，窗口内的元素全都相等"),
    (r" \(overlapping windows\)", "（窗口重叠）"),
    (r" \(whole numbers, so maxima tie\)", "（整数，所以最大值会并列）"),
    (r" \(through the forward's mask\)", "（经过前向的掩码）"),
    (r" \(x passes unchanged\)", "（x 原样通过）"),
    (r" \(the running statistics normalise\)", "（用运行统计量归一化）"),
    (r" \(the largest absolute value\)", "（最大绝对值）"),
    (r" \(total norm about (\S+)\)", r"（总范数约为 \1）"),
    (r" \(weight (\(.*?\)) and bias (\(.*?\))\)", r"（weight \1，bias \2）"),
    (r"\bweight and bias (\()", r"weight 和 bias \1"),
    (r"^(\S+) and (\S+)$", r"\1 和 \2"),
    (r"\bgradients of shapes? ", "梯度的形状为 "),
    (r"(\)) and (\()", r"\1 和 \2"),
    (r"\bwith gradients on (\w+), (\w+) and (\w+)", r"\1、\2 和 \3 都有梯度"),
    (r"\b(\w+)=given\b", r"\1=已给出"),
    (r"\battention ([AB])\b", r"注意力 \1"),
    (r"\bmulti-head ([AB]) \((\d+) heads\)", r"多头 \1（\2 个头）"),
    (r"\bpool ([AB])\b", r"池化 \1"),
    (r"\bcell ([AB])\b", r"单元 \1"),
    (r"\bnorm ([AB])\b", r"归一化 \1"),
    (r" \(bias\)", "（有 bias）"),
    (r" \(no bias\)", "（无 bias）"),
    (r"\ba two-layer (\w+)", r"两层的 \1"),
    (r"\bthe network ", "网络 "),
    (r"\ba (\w+) cell stepped twice \(step B from step A's state\)",
     r"\1 单元走两步（B 步从 A 步的状态开始）"),
    (r"^two (\w+) (?:layers|losses)$", r"两个 \1"),
    (r", the default hyper-parameters$", "，默认超参数"),
]

_KINDS = {"layer": "层", "cell": "单元", "loss": "损失", "embedding": "嵌入", "GELU": "GELU",
          "step": "步"}

_TWO = {"embedding": "两个嵌入中的嵌入 ", "GELU": "两个 GELU 中的 GELU "}


def _where(context: str) -> str:
    """A context group after a name, as the ``where`` message writes it."""
    return f"（{context}）" if context else ""
