"""dlmath's grader: load a submission, run it in an isolated child, score, report.

This package is imported by the child process too (``grader.child``), so
nothing here may import torch or the tests at import time.
"""
