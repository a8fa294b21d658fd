"""Hostile text: every function raises with terminal escapes, rich markup, Markdown, HTML,
a CSV formula and line breaks that try to draw a fake result."""

MESSAGE = ("\x1b[2J\x1b[H\x07[bold green]ALL CHECKS PASSED[/bold green]\n"
           "ALL CHECKS PASSED: 19 / 19\n| fake | row |\n<script>alert(1)</script> "
           "[click](javascript:alert(1)) =HYPERLINK(\"x\") \x1b]8;;http://evil\x07link\x1b]8;;\x07")


def _fail(*args, **kwargs):
    raise ValueError(MESSAGE)


mse_loss_forward = mse_loss_backward = _fail
cross_entropy_forward = cross_entropy_backward = _fail
binary_cross_entropy_forward = binary_cross_entropy_backward = _fail
binary_cross_entropy_with_logits_forward = binary_cross_entropy_with_logits_backward = _fail
