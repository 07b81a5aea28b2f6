"""Shared test fixtures and the network guard.

The guard refuses every connection outside the loopback range for the whole test session, so a
test that would reach the Internet fails instead of passing by luck on a connected machine.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures-real"

_ATTEMPTS: list = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host) -> bool:
    if host is None or host in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(address):
    _ATTEMPTS.append(address)
    raise OSError(f"Connexion réseau interdite pendant les tests : {address!r}")


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        _refuse(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        _refuse(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_loopback(host):
        _refuse((host, args[0] if args else None))
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config):
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _no_network_leak():
    before = len(_ATTEMPTS)
    yield
    leaked = _ATTEMPTS[before:]
    if leaked:
        pytest.fail(f"tentative(s) de connexion hors boucle locale : {leaked!r}")


def pytest_sessionfinish(session, exitstatus):
    if _ATTEMPTS and session.exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def network_attempts():
    """The list of refused non-loopback connection attempts (for tests that assert on it)."""
    return _ATTEMPTS


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """Folder of real public sample files; tests using it skip when it is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("dossier ../shared/fixtures-real absent : fichiers réels non disponibles")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def company():
    """The default classroom company (seed 2026), generated once per test session."""
    from o2c_lab import generate_company

    return generate_company()


class _CompanyCache(dict):
    """Companies generated on first use, one per seed, shared by the whole test session."""

    customers = 80

    def __missing__(self, seed):
        from o2c_lab import generate_company

        self[seed] = generate_company(seed=seed, customers=self.customers)
        return self[seed]


@pytest.fixture(scope="session")
def small_company():
    """A small company (seed 11, 60 customers) for the widget tests, generated once per session."""
    from o2c_lab import generate_company

    return generate_company(seed=11, customers=60)


@pytest.fixture(scope="session")
def many_companies():
    """``many_companies[seed]``: a classroom-sized company (80 customers) for invariant tests."""
    return _CompanyCache()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(argv: list[str], port: int, token: str, log_path: Path, env: dict | None = None):
    """Start a Jupyter server command line on ``port``; yield its base URL once ``/api/status``
    answers; stop it (and its kernels) afterwards. Fails with the end of its log if it dies."""
    import subprocess
    import time
    import urllib.request

    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(log_path.read_text(encoding="utf-8")[-3000:])
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def chased_letter_pair(company):
    """A reminder the dunning plan sends and the same letter with one amount wrong.

    The letter is the library's level-1 reminder (``reminder_text``) of the first customer the plan
    chases at that level for two invoices or more; in the wrong copy, one invoice that is still fully
    unpaid (its remaining amount is its TTC in the invoice table) is written 100 € too high. Returns
    ``(letter, wrong_letter, invoice_id, amount_written, amount_in_the_ledger)``, amounts as written.
    """
    from o2c_lab.casework.dunning import dunning_plan, reminder_text
    from o2c_lab.money import format_eur

    plan = dunning_plan(company)
    chased = plan[(plan["action"] == "relancer") & (plan["level"] == 1)]
    per_customer = chased.groupby("customer_id").size()
    customer_id = per_customer[per_customer >= 2].index[0]
    letter = reminder_text(company, customer_id, 1, plan=plan)
    ttc = company.invoices.set_index("invoice_id")["total_ttc_cents"]
    mine = chased[chased["customer_id"] == customer_id]
    invoice = mine[mine["residual_cents"] == ttc.loc[mine["invoice_id"]].to_numpy()].iloc[0]
    right, wrong = format_eur(int(invoice["residual_cents"])), format_eur(int(invoice["residual_cents"]) + 10_000)
    line = next(line for line in letter.splitlines() if invoice["invoice_id"] in line)
    assert line.count(right) == 1, line
    return letter, letter.replace(line, line.replace(right, wrong)), invoice["invoice_id"], wrong, right
