"""Caches of the grader's own work: the torch oracle's results (``oracle_store``)."""
