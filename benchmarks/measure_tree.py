"""Wall time and peak memory of a command *and every process it forks*.

    python benchmarks/measure_tree.py LABEL COMMAND...

Prints one JSON line: wall seconds, the peak of the summed PSS and RSS of the process tree
(sampled from /proc every 20 ms; PSS counts a page shared by a forked child once) and the peak
RSS of the largest single process (``ru_maxrss``, which is what ``resource.getrusage`` in the
benchmarks reports: it misses forked children). Linux only. Run on demand, never by pytest.
"""

import json
import os
import resource
import subprocess
import sys
import time


def tree(pid):
    out = [pid]
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                for c in f.read().split():
                    out += tree(int(c))
    except OSError:
        pass
    return out


def mem(pid):
    pss = rss = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def measure(label, cmd, stdout=subprocess.DEVNULL):
    """Run ``cmd``; its wall time, the peak summed PSS/RSS of its process tree, the largest single
    process's ``ru_maxrss`` (of every child so far) and, with ``stdout=subprocess.PIPE``, its output."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout)
    ppss = prss = 0
    while proc.poll() is None:
        a, b = mem(proc.pid)
        ppss = max(ppss, a)
        prss = max(prss, b)
        time.sleep(0.02)
    wall = time.perf_counter() - t
    output = proc.stdout.read().decode("utf-8") if proc.stdout else None
    ru = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "label": label,
        "rc": proc.returncode,
        "wall_s": round(wall, 2),
        "peak_tree_pss_mb": round(ppss / 1024),
        "peak_tree_rss_mb": round(prss / 1024),
        "maxrss_largest_process_mb": round(ru),
    }, output


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2:])[0]))
