"""Where the course's folders are, relative to this package."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO_ROOT / "solutions"
EXERCISES = REPO_ROOT / "exercises"
TESTS = REPO_ROOT / "tests"
HIDDEN_TESTS = TESTS / "hidden"
PUBLIC_TESTS = TESTS / "public"
COURSE = REPO_ROOT / "course.md"
NOTEBOOKS = REPO_ROOT / "notebooks"
RUBRIC = Path(__file__).resolve().parent / "rubric"
