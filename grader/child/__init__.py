"""What runs in the child process: only the standard library and numpy."""

# The environment variable that names the unprivileged user the child becomes.
SANDBOX_UID_ENV = "DLMATH_SANDBOX_UID"
# The grader's pid: the child stops if it finds itself orphaned at startup.
PARENT_PID_ENV = "DLMATH_PARENT_PID"
# Trusted modules the child imports at startup, before it drops privileges
# (comma-separated: the capstones' training code, say).
PRELOAD_ENV = "DLMATH_PRELOAD"
