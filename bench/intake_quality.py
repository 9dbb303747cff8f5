"""Quality of the document-intake extraction: precision, recall and F1 per field.

    python bench/intake_quality.py                       # the annotated corpus of rasad/intake
    python bench/intake_quality.py --split heldout -v    # one split, with every miss listed
    python bench/intake_quality.py --corpus DIR --seeds DIR --json

The corpus is a folder of ``<id>.txt`` + ``<id>.json`` pairs (``docs/intake.md`` describes the
annotation format); documents that annotate a seed report read its text from ``--seeds``
(default: ``RASAD_SEEDS_DIR``, else ``shared/seeds`` beside the repository). The organization
gazetteer is the demo tree of ``rasad.core.demo`` with its press aliases, so no database is
needed. Goals (issue 20): F1 ≥ 0.85 for dates, organizations, people and places, and directive
recall ≥ 0.8, on documents the rules were not tuned on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
# Only the extraction runs: no database, no server. Debug mode spares the benchmark a secret key.
os.environ.setdefault("RASAD_DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from rasad.intake.gazetteers import demo_gazetteer  # noqa: E402
from rasad.intake.quality import CORPUS_DIR, SCORED_FIELDS, evaluate, load_corpus  # noqa: E402

GOALS = {
    "date": ("f1", 0.85),
    "organization": ("f1", 0.85),
    "person": ("f1", 0.85),
    "place": ("f1", 0.85),
    "directive": ("recall", 0.8),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--seeds", type=Path, default=None)
    parser.add_argument("--split", default=None, help="dev, heldout or all (default: each)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    arguments = parser.parse_args()
    documents, notes = load_corpus(arguments.corpus, arguments.seeds)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    reports = evaluate(documents, demo_gazetteer())
    splits = [arguments.split] if arguments.split else sorted(reports, key=lambda s: (s == "all", s))
    figures: dict[str, dict[str, Any]] = {
        split: {
            "documents": reports[split].documents,
            "fields": {
                name: {
                    "precision": round(counts.precision, 3),
                    "recall": round(counts.recall, 3),
                    "f1": round(counts.f1, 3),
                    "true_positives": counts.true_positives,
                    "false_positives": counts.false_positives,
                    "false_negatives": counts.false_negatives,
                }
                for name, counts in reports[split].fields.items()
            },
            "attributes": {name: round(a.value, 3) for name, a in reports[split].attributes.items()},
        }
        for split in splits
        if split in reports
    }
    if arguments.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    for split, figure in figures.items():
        print(f"\n{split} ({figure['documents']} documents)")
        print(f"{'field':14} {'P':>5} {'R':>5} {'F1':>5}   goal")
        for name in SCORED_FIELDS:
            f = figure["fields"][name]
            measure, goal = GOALS[name]
            verdict = "met" if f[measure] >= goal else "NOT met"
            print(
                f"{name:14} {f['precision']:5.2f} {f['recall']:5.2f} {f['f1']:5.2f}"
                f"   {measure} ≥ {goal}: {verdict}"
            )
        for name, value in figure["attributes"].items():
            print(f"{name:22} {value:5.2f}")
        if arguments.verbose:
            for miss in reports[split].misses:
                print("  " + miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
