"""Growth from 1× to 10× data: runs of ``bench.requests --save FILE`` set side by side.

    for round in 1 2 3; do
      python -m bench.requests --scale 1 --rounds 1 --save var/growth.jsonl   # DATABASE_URL: a 1× database
      python -m bench.requests --scale 10 --rounds 1 --save var/growth.jsonl  # DATABASE_URL: a 10× one
    done
    python -m bench.growth var/growth.jsonl

Issue 11's goal: every figure at 1× and 10× data, p95 growing by no more than 20 %. On a shared
machine p95 is mostly waiting for a core, so runs at the two sizes must alternate, and the CPU
that each answered request cost (the server's processes and PostgreSQL's) is printed beside it:
what load does not distort. For each label (``--label``) and endpoint: the median over the runs
at each scale of p95 and of CPU per request, the load over those runs, and the growth from the
smallest scale to the largest.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from typing import Any

GOAL = 0.20  # p95 may grow by no more than 20 %


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    runs: list[dict[str, Any]] = []
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            runs += [json.loads(line) for line in handle if line.strip()]
    # label -> endpoint -> scale -> the runs' medians
    figures: dict[str, dict[str, dict[int, list[dict[str, float]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for run in runs:
        for name, values in run["results"].items():
            figures[run["label"]][name][run["scale"]].append(values)
    for label, endpoints in figures.items():
        print(f"{label or 'runs'}: median over the runs at each scale (runs, load); p95; CPU per request")
        for name, by_scale in endpoints.items():
            scales = sorted(by_scale)
            cells = []
            p95: dict[int, float] = {}
            cpu: dict[int, float] = {}
            for scale in scales:
                rows = by_scale[scale]
                p95[scale] = _median([row["p95"] / 1000 for row in rows])
                cpu[scale] = _median([row["cpu_ms"] + row["database_cpu_ms"] for row in rows])
                server = _median([row["cpu_ms"] for row in rows])
                database = _median([row["database_cpu_ms"] for row in rows])
                loads = [row["load"] for row in rows]
                cells.append(
                    f"{scale}×: p95 {p95[scale]:6.1f} ms, CPU {server:.2f} + {database:.2f} ms "
                    f"({len(rows)} runs, load {min(loads):.1f}–{max(loads):.1f})"
                )
            growth = ""
            if len(scales) > 1:
                low, high = scales[0], scales[-1]
                p95_growth = p95[high] / p95[low] - 1
                cpu_growth = cpu[high] / cpu[low] - 1
                verdict = "met" if p95_growth <= GOAL else "NOT met"
                growth = (
                    f"   growth {low}×→{high}×: p95 {p95_growth:+.0%} (goal ≤ +{GOAL:.0%}: {verdict}), "
                    f"CPU {cpu_growth:+.0%}"
                )
            print(f"  {name:<40} " + "   ".join(cells) + growth)


if __name__ == "__main__":
    main()
