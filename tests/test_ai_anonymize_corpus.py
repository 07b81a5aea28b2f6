"""Free French texts written for this test (tests/data/anonymisation/corpus.json): e-mails, call
notes, letters, bank details, with names in every case and position, titles, greetings, addresses,
identifiers with and without spaces. Recall per identifier type, exact round trip, precision."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from o2c_lab.ai.anonymize import Anonymizer, nlp_engine

CORPUS = json.loads((Path(__file__).parent / "data" / "anonymisation" / "corpus.json").read_text(encoding="utf-8"))
TEXTS = CORPUS["texts"]


@pytest.fixture(scope="module")
def results():
    if nlp_engine() is None:
        pytest.skip("modèle spaCy fr_core_news_sm absent")
    anon = Anonymizer()
    out = []
    for item in TEXTS:
        session = anon.fresh()
        result = session.anonymize_text(item["text"])
        out.append((item, result, session.reidentify(result.text).text))
    return out


def _left(text: str, value: str) -> bool:
    """Whether ``value`` is still there as a whole word (not inside a longer word)."""
    return re.search(rf"(?<![\w@]){re.escape(value)}(?![\w@])", text) is not None


def test_corpus_is_large_and_varied():
    kinds = Counter(e["type"] for t in TEXTS for e in t["entities"])
    assert len(TEXTS) >= 100
    assert {"PERSONNE", "ADRESSE", "COMMUNE", "IBAN", "BIC", "SIREN", "SIRET", "TVA", "TEL", "EMAIL"} <= set(kinds)
    people = [e["value"] for t in TEXTS for e in t["entities"] if e["type"] == "PERSONNE"]
    assert any(p.isupper() for p in people) and any(p.islower() for p in people)


def test_recall_per_type_round_trip_and_precision(results):
    expected, missed = Counter(), Counter()
    examples = []
    replaced = wrong = 0
    for item, result, back in results:
        assert back == item["text"]  # exact round trip, spacing and case included
        for kept in item["keep"]:
            assert kept in result.text, (kept, result.text)
        for entity in item["entities"]:
            expected[entity["type"]] += 1
            if _left(result.text, entity["value"]):
                missed[entity["type"]] += 1
                examples.append(entity["value"])
        truth = [e["value"] for e in item["entities"]]
        for span in result.spans:  # a replacement is right when it lies inside an expected identifier
            replaced += 1
            wrong += not any(span.original in value or value in span.original for value in truth)
    recall = {k: 1 - missed[k] / n for k, n in expected.items()}
    print("\n[corpus] " + " ; ".join(f"{k} {expected[k] - missed[k]}/{n} ({recall[k]:.1%})"
                                       for k, n in sorted(expected.items()))
          + f" ; précision {1 - wrong / replaced:.1%} ({replaced - wrong}/{replaced}) ; manqués : {examples[:8]}")
    assert all(r >= 0.99 for r in recall.values()), recall
