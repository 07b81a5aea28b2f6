""".eml files: accents survive, threading headers chain, Paris time, ASCII on the wire."""

from __future__ import annotations

import email
import email.policy

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2c_lab.errors import InvalidParameterError
from o2c_lab.formats.eml import message_id_header, read_eml, write_eml, write_thread


def _thread() -> pd.DataFrame:
    return pd.DataFrame([
        {"message_id": "M-002", "thread_id": "T-7", "customer_id": "C0042",
         "sent_at": "2026-07-15T10:30:00", "sender": "Jérôme Lefèvre <j.lefevre@client.fr>",
         "to": "Claire Dupré <c.dupre@outillage-vernier.fr>", "cc": "",
         "subject": "RE: Facture F-2026-0012 : écart de quantité",
         "body": "Bonjour Claire,\nNous avons reçu 8 cartons et non 10.\nJérôme", "kind": "email"},
        {"message_id": "M-001", "thread_id": "T-7", "customer_id": "C0042",
         "sent_at": "2026-07-14T09:05:00", "sender": "Claire Dupré <c.dupre@outillage-vernier.fr>",
         "to": 'Jérôme Lefèvre <j.lefevre@client.fr>, "Müller, Anna" <a.muller@client.de>',
         "cc": "Zoé Roux <z.roux@outillage-vernier.fr>",
         "subject": "Facture F-2026-0012 : écart de quantité",
         "body": "Bonjour,\n\nPourriez-vous régler la facture F-2026-0012 (1 234,56 €) ?\n"
                 "Cordialement,\nClaire Dupré", "kind": "email"},
        {"message_id": "M-003", "thread_id": "T-7", "customer_id": "C0042",
         "sent_at": "2026-12-01T16:00:00+01:00", "sender": "Claire Dupré <c.dupre@outillage-vernier.fr>",
         "to": "Jérôme Lefèvre <j.lefevre@client.fr>", "cc": "",
         "subject": "Note d'appel", "body": "Appel : promesse de règlement le 15/12.",
         "kind": "note_appel"},
    ])


def _parse(path):
    with open(path, "rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def test_accents_survive_and_the_file_is_ascii(tmp_path):
    paths = write_thread(_thread(), tmp_path)
    assert [p.name for p in paths] == ["T-7_01_M-001.eml", "T-7_02_M-002.eml", "T-7_03_M-003.eml"]
    raw = paths[0].read_bytes()
    raw.decode("ascii")  # RFC 2047 words and quoted-printable: nothing above 0x7F on the wire
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = _parse(paths[0])
    assert msg["Subject"] == "Facture F-2026-0012 : écart de quantité"
    assert msg["From"].addresses[0].display_name == "Claire Dupré"
    assert [a.display_name for a in msg["To"].addresses] == ["Jérôme Lefèvre", "Müller, Anna"]
    assert msg["Cc"].addresses[0].addr_spec == "z.roux@outillage-vernier.fr"
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    assert "régler la facture F-2026-0012 (1 234,56 €)" in msg.get_content()


def test_threading_headers_chain(tmp_path):
    first, second, third = (_parse(p) for p in write_thread(_thread(), tmp_path))
    assert first["Message-ID"] == "<M-001@outillage-vernier.fr>"
    assert first["In-Reply-To"] is None and first["References"] is None
    assert second["In-Reply-To"] == "<M-001@outillage-vernier.fr>"
    assert third["In-Reply-To"] == "<M-002@client.fr>"
    assert third["References"].split() == ["<M-001@outillage-vernier.fr>", "<M-002@client.fr>"]


def test_date_header_is_paris_time_with_daylight_saving(tmp_path):
    first, _, third = (_parse(p) for p in write_thread(_thread(), tmp_path))
    assert first["Date"] == "Tue, 14 Jul 2026 09:05:00 +0200"  # summer time
    assert third["Date"] == "Tue, 01 Dec 2026 16:00:00 +0100"  # winter time


def test_read_eml_gives_back_the_row(tmp_path):
    rows = _thread().sort_values("sent_at").to_dict("records")
    paths = write_thread(_thread(), tmp_path)
    back = read_eml(paths[0])
    original = next(r for r in rows if r["message_id"] == "M-001")
    for key in ("thread_id", "customer_id", "sender", "to", "cc", "subject", "body", "kind"):
        assert back[key] == original[key], key
    assert back["message_id"] == "M-001@outillage-vernier.fr"
    assert back["sent_at"] == "2026-07-14T09:05:00"
    assert read_eml(paths[2])["kind"] == "note_appel"
    assert read_eml(paths[2])["sent_at"] == "2026-12-01T16:00:00"


@settings(max_examples=40, deadline=None)
@given(name=st.text(alphabet="aéèçÀÖüœ -'", min_size=1, max_size=20).filter(str.strip),
       subject=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                       max_size=60),
       body=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                    max_size=200))
def test_any_french_text_survives(tmp_path_factory, name, subject, body):
    folder = tmp_path_factory.mktemp("eml")
    row = {"message_id": "X1", "sent_at": "2026-03-01T08:00:00", "sender": f"{name} <a@b.fr>",
           "to": "c@d.fr", "subject": subject, "body": body}
    msg = _parse(write_eml(row, folder / "m.eml"))
    # Runs of spaces inside a display name are not significant in RFC 5322 phrases.
    assert msg["From"].addresses[0].display_name == " ".join(name.split())
    assert msg["Subject"] == subject.strip()  # write_eml strips the subject
    assert msg.get_content().rstrip("\n").replace("\r\n", "\n") == body.rstrip("\n")


def test_bad_address_and_timestamp_raise_french_errors(tmp_path):
    row = _thread().iloc[0].to_dict()
    with pytest.raises(InvalidParameterError, match="Adresse e-mail invalide"):
        write_eml({**row, "to": "Jérôme sans adresse"}, tmp_path / "x.eml")
    with pytest.raises(InvalidParameterError, match="Horodatage"):
        write_eml({**row, "sent_at": "hier"}, tmp_path / "x.eml")


def test_default_company_threads(company, tmp_path):
    emails = company.emails
    thread_id = emails["thread_id"].iloc[0]
    thread = emails[emails["thread_id"] == thread_id]
    paths = write_thread(thread, tmp_path)
    assert len(paths) == len(thread)
    by_id = {message_id_header(r["message_id"], r["sender"]): r for r in thread.to_dict("records")}
    for path in paths:
        back = read_eml(path)
        original = by_id[f"<{back['message_id']}>"]
        for key in ("thread_id", "customer_id", "subject", "kind"):
            assert back[key] == original[key], key
        assert back["body"] == original["body"].rstrip("\n")
        assert back["sent_at"][:16] == original["sent_at"][:16]
