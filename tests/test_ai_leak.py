"""Leak test: every library prompt, filled with 3 companies, sent through the API mode to the real
loopback OpenAI-protocol server; no identifier from the company tables and truth (customers,
contacts, staff, third parties, addresses, postcode + city, SIREN/SIRET/VAT, IBAN/BIC, e-mails,
phones) may appear in any request body. The same loop checks each filled prompt's token budget
and offline checks. The 11-seed sweep, with the notebooks' own prompts, is
benchmarks/bench_ai_leak.py; the cohort recording is checked in tests/test_cohort.py."""

from __future__ import annotations

import json

import pytest
from leaks import identifiers, leaks
from openai_server import FakeOpenAIServer

from o2c_lab import generate_company
from o2c_lab.ai import AIConfig, Assistant
from o2c_lab.ai.anonymize import Anonymizer
from o2c_lab.ai.library import fill, load_library, run_assertions
from o2c_lab.ai.tokens import count_tokens

SEEDS = [None, 11, 4]  # None: the default classroom company
#: The other seeds use 60 customers: every role, thread and dispute is there, generation is 4× faster.
OTHER_CUSTOMERS = 60


def _texts(body: str) -> str:
    return "\n".join(m["content"] for m in json.loads(body)["messages"])


@pytest.mark.timeout(300)
def test_no_identifier_reaches_the_api(company):
    lib = load_library()
    checked, found = 0, []
    with FakeOpenAIServer(models=("modele-test",)) as srv:
        cfg = AIConfig(base_url=srv.base_url, api_key="cle-de-test", model="modele-test",
                       timeout_s=10, max_retries=0)
        for seed in SEEDS:
            comp = company if seed is None else generate_company(seed=seed, customers=OTHER_CUSTOMERS)
            ids = identifiers(comp)
            keep = [comp.name] + list(comp.products["label"])
            assistant = Assistant("api", config=cfg, anonymizer=Anonymizer.from_company(comp))
            raw_hits, start = 0, len(srv.requests)
            for p in lib.values():
                filled = fill(p, comp)
                # the filled prompt does contain identifiers before anonymisation (the test can fail)
                raw_hits += bool(leaks(filled.text, ids, keep))
                assert count_tokens(filled.text, "gpt-4o-mini").tokens <= p.token_budget, (seed, p.id)
                assert all(r.passed for r in run_assertions(p, filled.reference, filled.values)), (seed, p.id)
                answer = assistant.ask(filled.task())
                assert answer.is_ai, answer.notices
                # the echo server sends pseudonyms back: the answer is re-identified locally
                assert "<CLIENT_" not in answer.text or answer.mangled
            sent = "\n".join(_texts(r["body"]) for r in srv.requests[start:])
            found += [(seed, v, kind) for v, kind in leaks(sent, ids, keep)]
            assert raw_hits >= len(lib) // 2
            checked += len(ids)
        requests = len(srv.requests)
    print(f"\n[fuite] requêtes={requests} identifiants vérifiés={checked} ({len(SEEDS)} entreprises) "
          f"fuites={len(found)}")
    assert requests == len(lib) * len(SEEDS)
    assert found == []
