# coding: utf-7
"""Hostile: an import hidden by an encoding declaration.

Read as UTF-8, the line below is one string; Python obeys the declaration and reads
it as UTF-7, where it is ``x = ""; import os; ""``. The static scan once read the
file as UTF-8, and named no forbidden import in the report's flags.
"""

x = "+ACIAOw- import os +ADsAIg-"
