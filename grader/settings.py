"""The numbers every front end shares, stated once: timeouts, budgets and exit codes."""

CALL_TIMEOUT = 10.0  # seconds one call into a submission may take
UNIT_BUDGET = 120.0  # seconds all the calls of one unit may take together
CHILD_START_TIMEOUT = 30.0  # seconds a fresh child may take to report its confinement
CAPSTONE_TIMEOUT = 300.0  # seconds one capstone may train
# Between calls the child, and the grader waiting for a reply, poll for this long (yielding
# the CPU) before they sleep: on a virtual machine a sleeping CPU takes about 0.3 ms to wake,
# as much as a whole round trip. Only where the grader and its child have a core each.
STAY_AWAKE_SECONDS = (0.01, 0.002)  # (the child, the grader)

USAGE_ERROR = 2  # exit code: bad command line or unreadable input; nothing was graded
# exit code: grading finished, but some checks failed through no fault of the student
GRADER_ERROR = 3

# The torch oracle's results are cached (grader/cache/) in $DLMATH_CACHE/oracle, else in
# $XDG_CACHE_HOME/dlmath/oracle or ~/.cache/dlmath/oracle; DLMATH_CACHE=off turns it off.
CACHE_ENV = "DLMATH_CACHE"
ORACLE_CACHE_MAX_BYTES = 256 * 1024 * 1024  # least recently used entries go first
