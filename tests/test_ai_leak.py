"""Leak test: every library prompt, filled with 11 companies, sent through the API mode to a local
server; no customer identifier may appear in any request body. The same loop checks each filled
prompt's token budget and offline checks on every seed."""

from __future__ import annotations

import json
import re

import pytest
from openai_server import FakeOpenAIServer

from o2c_lab import generate_company
from o2c_lab.ai import AIConfig, Assistant
from o2c_lab.ai.anonymize import Anonymizer
from o2c_lab.ai.library import fill, load_library, run_assertions
from o2c_lab.ai.tokens import count_tokens

SEEDS = [None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # None: the default classroom company
#: The 10 other seeds use 60 customers: every role, thread and dispute is there, generation is 4× faster.
OTHER_CUSTOMERS = 60


def _identifiers(company) -> set[str]:
    ids = set()
    for col in ("name", "siren", "siret", "vat_number", "iban"):
        ids |= {v for v in company.customers[col] if isinstance(v, str) and v}
    for r in company.contacts.itertuples():
        ids |= {f"{r.first_name} {r.last_name}", r.email, r.phone}
    return ids


def _texts(body: str) -> str:
    return "\n".join(m["content"] for m in json.loads(body)["messages"])


def _leaks(text: str, ids: set[str], keep: list[str]) -> list[str]:
    """Identifiers present as whole words, ignoring the company's own name and product labels."""
    for k in keep:
        text = text.replace(k, " ")
    return [v for v in ids if v in text and re.search(rf"(?<![\w@.-]){re.escape(v)}(?![\w@-])", text)]


@pytest.mark.timeout(240)
def test_no_identifier_reaches_the_api(company):
    lib = load_library()
    requests = identifiers = occurrences = 0
    leaks = []
    with FakeOpenAIServer(models=("modele-test",)) as srv:
        cfg = AIConfig(base_url=srv.base_url, api_key="cle-de-test", model="modele-test",
                       timeout_s=5, max_retries=0)
        for seed in SEEDS:
            comp = company if seed is None else generate_company(seed=seed, customers=OTHER_CUSTOMERS)
            ids = _identifiers(comp)
            keep = [comp.name] + list(comp.products["label"])
            assistant = Assistant("api", config=cfg, anonymizer=Anonymizer.from_company(comp))
            raw_hits, start = 0, len(srv.requests)
            for p in lib.values():
                filled = fill(p, comp)
                # the filled prompt does contain identifiers before anonymisation (the test can fail)
                raw_hits += bool(_leaks(filled.text, ids, keep))
                # every seed, not only the default one, keeps the budget and the offline checks
                assert count_tokens(filled.text, "gpt-4o-mini").tokens <= p.token_budget, (seed, p.id)
                assert all(r.passed for r in run_assertions(p, filled.reference, filled.values)), (seed, p.id)
                answer = assistant.ask(filled.task())
                assert answer.is_ai, answer.notices
                # the echo server sends pseudonyms back: the answer is re-identified locally
                assert "<CLIENT_" not in answer.text or answer.mangled
            # one scan of everything this company sent (a plain substring screen, then whole words)
            sent = "\n".join(_texts(r["body"]) for r in srv.requests[start:])
            found = _leaks(sent, ids, keep)
            occurrences += sum(len(re.findall(rf"(?<![\w@.-]){re.escape(v)}(?![\w@-])", sent)) for v in found)
            leaks += [(seed, v) for v in found]
            assert raw_hits >= len(lib) // 2
            identifiers += len(ids)
        requests = len(srv.requests)
    print(f"\n[fuite] requêtes={requests} identifiants vérifiés={identifiers} "
          f"(11 entreprises) occurrences trouvées={occurrences}")
    assert requests == len(lib) * len(SEEDS)
    assert leaks == []
