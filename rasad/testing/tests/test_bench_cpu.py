"""How the benchmarks count a server's processor time (``bench.common``): a process of the server
that exits during a measurement keeps its time in the sum, through its parent's reaped time,
instead of taking it out of the sum (session 26 read one negative PostgreSQL figure)."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.common import tree_cpu_seconds

# A parent that starts a child, which spends ~0.3 s of processor time and exits; the parent
# waits for it (reaping it) and then sleeps until the test has read the tree again.
PARENT = """
import subprocess, sys, time
subprocess.run([sys.executable, "-c", "import time\\nwhile time.process_time() < 0.3: pass"], check=True)
print("reaped", flush=True)
time.sleep(30)
"""


def test_a_reaped_child_s_time_stays_in_its_parent_s_tree() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "reaped"
        time.sleep(0.05)
        # The child is gone: only the parent is running, and the child's 0.3 s count in its tree.
        assert tree_cpu_seconds(parent.pid) >= 0.28
        assert tree_cpu_seconds(parent.pid, itself=False) == 0
    finally:
        parent.kill()
        parent.wait()
