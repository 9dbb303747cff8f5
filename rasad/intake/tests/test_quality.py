"""The annotated corpus: it loads, its annotations point at real words, and the engine meets the
issue's goals on it. The figures themselves are reported by ``bench/intake_quality.py``."""

import pytest

from rasad.intake.gazetteers import demo_gazetteer
from rasad.intake.quality import CORPUS_DIR, evaluate, load_corpus, locate
from rasad.lib.persian import normalize_text


@pytest.fixture(scope="module")
def own_documents():
    documents, _notes = load_corpus(CORPUS_DIR)
    return [d for d in documents if not d.gold.get("seed_file")]


def test_corpus_has_own_documents_in_both_splits(own_documents):
    splits = sorted({d.split for d in own_documents})
    assert splits == ["dev", "heldout"]
    assert len(own_documents) >= 8


def test_every_annotated_directive_is_in_its_text(own_documents):
    for document in own_documents:
        text = normalize_text(document.text)
        for item in document.gold["directives"]:
            assert locate(item["text"], text) is not None, (document.identifier, item["text"])


def test_engine_meets_the_goals_on_the_held_out_documents(own_documents):
    report = evaluate([d for d in own_documents if d.split == "heldout"], demo_gazetteer())["heldout"]
    for field in ("date", "organization", "person", "place"):
        assert report.fields[field].f1 >= 0.85, field
    assert report.fields["directive"].recall >= 0.8


def test_a_missing_seed_is_reported_not_guessed(tmp_path):
    (tmp_path / "seed.json").write_text(
        '{"split": "dev", "seed_file": "nope.txt", "seed_sha256": "0", "dates": [], "organizations": [],'
        ' "people": [], "places": [], "directives": []}',
        encoding="utf-8",
    )
    documents, notes = load_corpus(tmp_path, tmp_path)
    assert documents == []
    assert notes == [f"seed: seed nope.txt not found in {tmp_path}"]


def test_locate_ignores_spacing_and_zwnj():
    assert locate("چالش های صادرات", "ایمیدرو چالش‌های صادرات را") == (8, 23)
