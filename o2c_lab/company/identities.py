"""Valid French and EU company identifiers, drawn from a random generator.

Checksums are computed here (Luhn for SIREN/SIRET, mod 97 for TVA, RIB and IBAN); the tests
validate every generated value with python-stdnum and schwifty, an independent implementation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sirens", "siret", "fr_vat", "fr_iban", "eu_identity", "rf_reference", "BIC_BY_BANK"]

#: A few French bank codes (code banque) with the BIC of the bank's head office.
BIC_BY_BANK = {
    "30004": "BNPAFRPP",
    "30003": "SOGEFRPP",
    "30002": "CRLYFRPP",
    "10278": "CMCIFR2A",
    "18206": "AGRIFRPP882",
    "20041": "PSSTFRPP",
    "14505": "CEPAFRPP450",
}


def _luhn_check_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # positions that get doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def sirens(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct valid SIREN numbers (9 digits, Luhn)."""
    out, seen = [], set()
    while len(out) < n:
        for body in rng.integers(10_000_000, 99_999_999, size=n - len(out) + 8):
            s = f"{body:08d}"
            s += str(_luhn_check_digit(s))
            if s not in seen:
                seen.add(s)
                out.append(s)
                if len(out) == n:
                    break
    return out


def siret(siren: str, establishment: int) -> str:
    """A valid SIRET for ``siren``: 4-digit establishment number + Luhn check digit over 14 digits."""
    body = f"{siren}{establishment % 10000:04d}"
    return body + str(_luhn_check_digit(body))


def fr_vat(siren: str) -> str:
    """French intra-EU VAT number: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _iban_check(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


def fr_iban(bank: str, branch: str, account: str) -> str:
    """French IBAN from bank (5), branch (5) and account (11 digits), with the RIB key."""
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return f"FR{_iban_check('FR', bban)}{bban}"


def eu_identity(country: str, rng: np.random.Generator) -> tuple[str, str]:
    """(VAT number, IBAN) valid for a Belgian, German or Luxembourg customer."""
    if country == "BE":
        body = int(rng.integers(2_000_000, 9_999_999))  # 0 + 7 digits, then mod-97 check
        vat = f"BE0{body:07d}{97 - body % 97:02d}"
        bank_account = int(rng.integers(0, 10**10))
        bban10 = f"{bank_account:010d}"
        check = int(bban10) % 97 or 97
        bban = f"{bban10}{check:02d}"
        return vat, f"BE{_iban_check('BE', bban)}{bban}"
    if country == "DE":
        digits = [int(d) for d in f"{int(rng.integers(10**7, 10**8)):08d}"]
        digits[0] = digits[0] or 1
        product = 10  # ISO 7064 MOD 11,10
        for d in digits:
            s = (d + product) % 10 or 10
            product = (2 * s) % 11
        check = (11 - product) % 10
        vat = "DE" + "".join(map(str, digits)) + str(check)
        bban = f"{int(rng.integers(10**7, 10**8)):08d}{int(rng.integers(0, 10**10)):010d}"
        return vat, f"DE{_iban_check('DE', bban)}{bban}"
    if country == "LU":
        body = int(rng.integers(100_000, 999_999))
        vat = f"LU{body:06d}{body % 89:02d}"
        bban = f"{int(rng.integers(0, 1000)):03d}{int(rng.integers(0, 10**13)):013d}"
        return vat, f"LU{_iban_check('LU', bban)}{bban}"
    raise ValueError(country)


def rf_reference(reference: str) -> str:
    """ISO 11649 structured creditor reference (``RF`` + check + alphanumeric reference)."""
    ref = "".join(ch for ch in reference.upper() if ch.isalnum())
    numeric = "".join(str(int(c, 36)) for c in ref + "RF00")
    return f"RF{98 - int(numeric) % 97:02d}{ref}"
