"""What runs in the child process: only the standard library and numpy.

Inside the sandbox this package is bound as ``dlmath_child``, so its modules
import each other relatively.
"""
