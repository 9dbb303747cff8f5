"""Where the test command's time went: the slowest tests and test modules of its last run.

    python3 scripts/slowest.py             # every run in var/test-results
    python3 scripts/slowest.py postgres 30  # one run, thirty lines

Reads the JUnit reports scripts/test.sh leaves in var/test-results. A test's time there is its
call plus its own set-up and tear-down; a module-scoped fixture's set-up is counted in the first
test that uses it. With two workers the run's wall time is about half the sum."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "var" / "test-results"


def _cases(path: Path) -> Counter[str]:
    times: Counter[str] = Counter()
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314 (our own pytest's report)
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        times[name] += float(case.get("time", 0))
    return times


def _module(test: str) -> str:
    dotted = test.split("::", 1)[0]
    return dotted.rsplit(".", 1)[0] if dotted.rsplit(".", 1)[-1][:1].isupper() else dotted


def main(argv: list[str]) -> int:
    runs = [argv[0]] if argv else ["sqlite", "postgres", "browser"]
    lines = int(argv[1]) if len(argv) > 1 else 15
    for run in runs:
        path = RESULTS / f"{run}.xml"
        if not path.exists():
            print(f"{run}: no report at {path}")
            continue
        times = _cases(path)
        modules: Counter[str] = Counter()
        for test, seconds in times.items():
            modules[_module(test)] += seconds
        total = sum(times.values())
        print(f"== {run}: {len(times)} tests, {total / 60:.1f} min of test time")
        print("-- modules")
        for module, seconds in modules.most_common(lines):
            print(f"{seconds:8.1f}s {100 * seconds / total:5.1f}%  {module}")
        print("-- tests")
        for test, seconds in times.most_common(lines):
            print(f"{seconds:8.1f}s  {test}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
