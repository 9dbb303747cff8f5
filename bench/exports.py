"""Background export of the observation list: time and peak memory of the worker process.

For each size (100,000 and 1,000,000 observations by default) the observations are loaded by
binary COPY, an analyst asks for the Excel export of the whole list, and a separate worker
process (``rasad worker``'s loop) prepares the file while this process draws the task's
progress bar from the database, as the page does. Reported: wall time, rows per second, the
worker's peak RSS, and the peak RSS of the same worker process doing nothing (the floor measured
in the same run), so that "bounded memory" reads as a ratio: the export's peak over the floor,
for 10x more rows.

    python -m bench.exports --sizes 100000,1000000     (from bench/run.sh, on PostgreSQL)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from bench.dashboard import build_tree, load_observations


def child(mode: str) -> None:
    """Run in the worker process: the worker loop until the queue is empty (or nothing), then
    print this process's peak RSS in KiB."""
    from rasad.jobs.worker import Worker

    if mode == "work":
        Worker(worker_id="bench-export", heartbeat=True, schedule=False).run(until_empty=True)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_child(mode: str, export_id: int | None = None) -> tuple[int, float]:
    from tqdm import tqdm

    from rasad.jobs.models import ExportFile

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.exports", "--child", mode], stdout=subprocess.PIPE, text=True
    )
    if export_id is not None:
        bar = tqdm(desc="export", unit=" rows", file=sys.stdout, mininterval=1.0, ascii=True)
        while process.poll() is None:
            export = ExportFile.objects.select_related("run").get(pk=export_id)
            if export.run is not None:
                bar.total = export.run.progress_total
                bar.n = export.run.progress_done
                bar.refresh()
            time.sleep(1.0)
        bar.close()
    out, _ = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"worker process failed ({process.returncode})")
    return int(out.strip().splitlines()[-1]), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--child", choices=["work", "idle"])
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    from rasad.core.models import User
    from rasad.jobs.exports import do_request_export
    from rasad.jobs.models import ExportFile

    _root, _companies, sites = build_tree(args.sites)
    analyst = User.objects.get(username="bench-analyst")
    floor_kib, _ = run_child("idle")
    print(f"exports: worker process floor (Django loaded, no task) peak RSS {floor_kib / 1024:.0f} MiB")
    print(f"  load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for size in (int(s) for s in args.sizes.split(",")):
        load_observations(sites, size)
        export = do_request_export("observations", "xlsx", {}, acting_user=analyst)
        peak_kib, elapsed = run_child("work", export.pk)
        export = ExportFile.objects.get(pk=export.pk)
        assert export.status == "ready", export.error
        print(
            f"  {size:>9,} rows: {elapsed:6.1f} s ({export.row_count / elapsed:,.0f} rows/s), "
            f"file {export.size / 2**20:.1f} MiB, worker peak RSS {peak_kib / 1024:.0f} MiB "
            f"= {peak_kib / floor_kib:.2f}× the idle worker; load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
