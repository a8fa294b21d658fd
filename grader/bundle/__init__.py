"""What students get: the release bundle, its leak check, and their self-check.

``build.py`` writes the student bundle (``dlmath release``), ``leaks.py``
proves that a folder holds nothing of the reference solutions or the hidden
checks, and ``selfcheck.py`` runs the public checks on a student's unit files
(``dlmath check``, and the check cells of the notebooks).
"""
