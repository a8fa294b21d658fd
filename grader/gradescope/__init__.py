"""Gradescope: build an autograder zip, and grade inside Gradescope's container."""
