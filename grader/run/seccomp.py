"""A seccomp filter for the child, in classic BPF, for bubblewrap's ``--seccomp FD``.

Namespaces already hide the host; the filter removes the kernel interfaces
that reach past them or that a NumPy exercise never needs: new processes and
threads (``clone``, ``fork``, ``vfork``; the runner is the only task a call can
leave, so the grader need not look for others after each call), tracing and
reading other processes' memory, the kernel keyrings (shared by every process
of one user), new namespaces and mounts, BPF, perf, io_uring, modules and
clocks, and memory that no process's resident size shows, which the grader's
memory watch (``grader.run.tree``) would miss: System V shared memory, message
queues and semaphores (unbounded in a fresh IPC namespace, and kept after
``shmdt``) and ``memfd_create`` files (16 MB each, one per descriptor). A
blocked call fails with EPERM; another architecture's calls (x32, i386) fail
with ENOSYS. Built for x86_64 only; elsewhere there is no filter, and the
report says so.
"""

import os
import platform
import struct

_AUDIT_ARCH_X86_64 = 0xC000003E
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_EPERM, _ENOSYS = 1, 38
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_X32_BIT = 0x40000000
_CLONE3 = 435

BLOCKED_X86_64 = {
    "clone": 56, "fork": 57, "vfork": 58,  # no process or thread beside the runner
    "ptrace": 101, "syslog": 103, "uselib": 134, "personality": 135, "vhangup": 153,
    "pivot_root": 155, "adjtimex": 159, "chroot": 161, "acct": 163, "settimeofday": 164,
    "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168, "reboot": 169,
    "sethostname": 170, "setdomainname": 171, "iopl": 172, "ioperm": 173,
    "init_module": 175, "delete_module": 176, "quotactl": 179, "lookup_dcookie": 212,
    "clock_settime": 227, "kexec_load": 246, "add_key": 248, "request_key": 249,
    "keyctl": 250, "unshare": 272, "perf_event_open": 298, "name_to_handle_at": 303,
    "open_by_handle_at": 304, "clock_adjtime": 305, "setns": 308, "process_vm_readv": 310,
    "process_vm_writev": 311, "finit_module": 313, "kexec_file_load": 320, "bpf": 321,
    "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "open_tree": 428, "move_mount": 429, "fsopen": 430,
    "fsconfig": 431, "fsmount": 432, "fspick": 433, "pidfd_getfd": 438, "mount_setattr": 442,
    # memory outside every process's resident size
    "shmget": 29, "shmat": 30, "shmctl": 31, "semget": 64, "semop": 65, "semctl": 66,
    "shmdt": 67, "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71, "semtimedop": 220,
    "memfd_create": 319, "memfd_secret": 447,
}


def program_x86_64() -> bytes:
    """The filter as raw ``struct sock_filter`` entries (code, jt, jf, k)."""
    # Each entry: (label or None, code, k, jump if true, jump if false); jumps name labels.
    ops = [
        (None, _LD_ABS, 4, None, None),  # seccomp_data.arch
        (None, _JEQ, _AUDIT_ARCH_X86_64, None, "enosys"),
        (None, _LD_ABS, 0, None, None),  # seccomp_data.nr
        (None, _JGE, _X32_BIT, "enosys", None),
        (None, _JEQ, _CLONE3, "enosys", None),  # glibc then falls back to clone: refused
        *((None, _JEQ, nr, "eperm", None) for nr in sorted(BLOCKED_X86_64.values())),
        ("allow", _RET, _RET_ALLOW, None, None),
        ("eperm", _RET, _RET_ERRNO | _EPERM, None, None),
        ("enosys", _RET, _RET_ERRNO | _ENOSYS, None, None),
    ]
    where = {label: index for index, (label, *_rest) in enumerate(ops) if label}

    def offset(label: str | None, index: int) -> int:
        return 0 if label is None else where[label] - index - 1

    return b"".join(
        struct.pack("<HBBI", code, offset(true, i), offset(false, i), k)
        for i, (_label, code, k, true, false) in enumerate(ops))


def filter_fd() -> int | None:
    """A pipe's read end holding the filter, for the child to inherit; None off x86_64.

    The write end is closed at once (the filter is far below a pipe's capacity);
    the caller closes the read end once the child has started.
    """
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    read_fd, write_fd = os.pipe()
    os.write(write_fd, program_x86_64())
    os.close(write_fd)
    return read_fd
