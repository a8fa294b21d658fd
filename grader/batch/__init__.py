"""Grading a whole class: discover submissions, grade them in workers, store results."""
