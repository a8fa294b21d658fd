"""dlmath in nbgrader: the course directory, its notebooks, and what their cells call.

``course.py`` writes an nbgrader course directory (``dlmath nbgrader``),
``notebook.py`` builds each unit's notebook from its lesson notebook, and
``cells.py`` holds the two functions the notebook cells call: the public
checks of one function, and one hidden (graded) check. ``worker.py`` is the
process those functions run the checks in, so that nothing the checks do
(torch, pytest, warnings) ever reaches the notebook's kernel or its stderr.
"""
