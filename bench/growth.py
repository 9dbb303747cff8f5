"""Growth from 1× to 10× data, from the rounds ``bench.requests --save FILE`` appends.

    python -m bench.requests --scale 1,10 --database-urls URL_10x --rounds 3 --save var/results.jsonl
    python -m bench.growth var/results.jsonl

Issue 11, item 6: every figure at 1× and 10× data, p95 growing by no more than 20 %. On a shared
machine p95 is mostly waiting for a core, so the two sizes must be measured in alternation:
``bench.requests --scale 1,10`` sets both up once and runs its rounds 1×, 10×, 1×, 10× … (each
round every endpoint at one size), saving one line per round and size. Lines of separate runs
(``--label``, one size each, as before session 25) are read the same way. The CPU that each
answered request cost (the server's processes and PostgreSQL's) is printed beside p95: what
load does not distort. For each label and endpoint: the median over the rounds at each scale of
p95 and of CPU per request, the load over those rounds, and the growth from the smallest scale
to the largest (of those medians), with the growth within each alternated pair of rounds
(the same round number at both sizes) beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

KEYS = ("rps", "p50", "p95", "p99", "cpu_ms", "database_cpu_ms", "load")  # wrk's times in µs

# label -> scale -> endpoint -> one figure dict per round
Rounds = dict[str, dict[int, dict[str, list[dict[str, float]]]]]


def read(paths: list[str]) -> list[dict[str, Any]]:
    """Every JSON line of the files (results of any benchmark: ``bench`` says which)."""
    lines: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            lines += [json.loads(line) for line in handle if line.strip()]
    return lines


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def request_rounds(lines: list[dict[str, Any]]) -> Rounds:
    """``bench.requests``'s lines (those without ``bench``: files written before session 25)
    grouped by label, scale and endpoint."""
    rounds: Rounds = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for line in lines:
        if line.get("bench", "requests") != "requests":
            continue
        for name, values in line["results"].items():
            rounds[line["label"]][line["scale"]][name].append(values)
    return rounds


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds (NaN where no round has it)."""
    return {key: _median([r[key] for r in rounds if key in r]) for key in KEYS}


@dataclass
class Growth:
    """One endpoint's p95 (ms) and CPU per request (server + PostgreSQL, ms) at the smallest and
    the largest scale (medians of the rounds), and p95's growth within each alternated pair."""

    low: int
    high: int
    p95: tuple[float, float]
    cpu: tuple[float, float]
    pairs: list[float] = field(default_factory=list)

    @property
    def p95_growth(self) -> float:
        return self.p95[1] / self.p95[0] - 1

    @property
    def cpu_growth(self) -> float:
        return self.cpu[1] / self.cpu[0] - 1


def growth(lines: list[dict[str, Any]], label: str = "") -> dict[str, Growth]:
    """Growth of every endpoint measured at two scales or more under ``label``."""
    by_scale = request_rounds(lines).get(label, {})
    if len(by_scale) < 2:
        return {}
    low, high = min(by_scale), max(by_scale)
    paired: dict[tuple[int, int], dict[str, dict[str, float]]] = {}
    for line in lines:
        if line.get("bench", "requests") == "requests" and line["label"] == label and "round" in line:
            paired[(line["round"], line["scale"])] = line["results"]
    result: dict[str, Growth] = {}
    for name in by_scale[low]:
        if name not in by_scale[high]:
            continue
        at = {scale: medians(by_scale[scale][name]) for scale in (low, high)}
        pairs = [
            paired[(n, high)][name]["p95"] / paired[(n, low)][name]["p95"] - 1
            for n in sorted({n for n, _scale in paired})
            if name in paired.get((n, low), {}) and name in paired.get((n, high), {})
        ]
        result[name] = Growth(
            low,
            high,
            (at[low]["p95"] / 1000, at[high]["p95"] / 1000),
            (
                at[low]["cpu_ms"] + at[low]["database_cpu_ms"],
                at[high]["cpu_ms"] + at[high]["database_cpu_ms"],
            ),
            pairs,
        )
    return result


def main() -> None:
    from bench.goals import P95_GROWTH  # the limits' one place (it reads this module)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    lines = read(args.files)
    for label, scales in request_rounds(lines).items():
        print(f"{label or 'runs'}: median over the rounds at each scale (rounds, load); p95; CPU per request")
        grown = growth(lines, label)
        for name in scales[min(scales)]:
            cells = []
            for scale in sorted(scales):
                rows = scales[scale].get(name, [])
                if not rows:
                    continue
                at = medians(rows)
                loads = [row["load"] for row in rows]
                cells.append(
                    f"{scale}×: p95 {at['p95'] / 1000:6.1f} ms, CPU {at['cpu_ms']:.2f} + "
                    f"{at['database_cpu_ms']:.2f} ms "
                    f"({len(rows)} rounds, load {min(loads):.1f}–{max(loads):.1f})"
                )
            line = f"  {name:<40} " + "   ".join(cells)
            if name in grown:
                g = grown[name]
                pairs = ", ".join(f"{p:+.0%}" for p in g.pairs)
                line += (
                    f"   growth {g.low}×→{g.high}×: p95 {g.p95_growth:+.0%}"
                    f"{f' (pairs {pairs})' if pairs else ''} "
                    f"(goal ≤ +{P95_GROWTH:.0%}: {'met' if g.p95_growth <= P95_GROWTH else 'NOT met'}), "
                    f"CPU {g.cpu_growth:+.0%}"
                )
            print(line)


if __name__ == "__main__":
    main()
