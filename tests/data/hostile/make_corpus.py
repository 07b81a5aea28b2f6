"""Write the hostile-file corpus: python tests/data/hostile/make_corpus.py (reproducible, no seed).

One folder per family (mt940, cfonb120, camt053, fec, facturx, eml) holding small files a finance
team could really send: good files in every line ending and encoding, then damaged, truncated,
repeated, binary, misnamed and hostile ones. ``expected.json`` in each folder gives every file's
expected outcome, written here by hand from how the file was built (never from a reader's output):

- ``{"ok": {...}}``: the reader succeeds and its summary (see tests/test_formats_hostile.py)
  has these values;
- ``{"error": [...]}``: the reader raises an o2c_lab error whose French message holds these words.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

HERE = Path(__file__).parent
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
ENCRYPTED = OLE + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
ZIP = b"PK\x03\x04" + b"\x00" * 60
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
GARBAGE = bytes((i * 37 + 11) % 256 for i in range(700))
IBAN_FR = "FR7630006000011234567890189"
IBAN_NL = "NL91ABNA0417164300"
IBAN_DE = "DE89370400440532013000"
BINARY_CASES = {"xls_ancien": (OLE, ["ancien classeur", "xlsx ou CSV"]),
                "xlsx_mot_de_passe": (ENCRYPTED, ["mot de passe"]),
                "archive_zip": (ZIP, ["ZIP"]),
                "pdf": (PDF, ["PDF"])}


class Family:
    """Files and expectations of one family, written together."""

    def __init__(self, name: str):
        self.name, self.files, self.expected = name, {}, {}

    def ok(self, name: str, data: bytes, **values):
        self.files[name], self.expected[name] = data, {"ok": values}

    def error(self, name: str, data: bytes | None, *words: str):
        self.files[name], self.expected[name] = data, {"error": list(words)}

    def binaries(self, ext: str):
        for stem, (data, words) in BINARY_CASES.items():
            self.error(f"{stem}.{ext}", data, *words)
        self.error("dossier." + ext, None, "dossier")  # a folder given instead of a file

    def write(self):
        folder = HERE / self.name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in self.files.items():
            if data is None:
                (folder / name).mkdir()
                (folder / name / ".keep").write_text("", encoding="utf-8")
            else:
                (folder / name).write_bytes(data)
        (folder / "expected.json").write_text(
            json.dumps(self.expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return len(self.files)


# ------------------------------------------------------------------------------------- MT940

MT940 = """:20:STARTUMSE
:25:30004/00012345678
:28C:00001/001
:60F:C261201EUR1000,00
:61:2612021202CR1234,56NTRFNONREF//BANKREF1
:86:VIR SEPA RECU DUPONT FA-2026-00412
:61:2612031203D9,NCHGNONREF
:86:FRAIS
:62F:C261203EUR2225,56
-
"""
MT940_OK = dict(statements=1, transactions=2, total_cents=122_556, opening_cents=100_000,
                closing_cents=222_556, balanced=True)


def _mt(text: str, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return text.replace("\n", newline).encode(encoding)


def mt940() -> Family:
    f = Family("mt940")
    f.ok("base_lf.sta", _mt(MT940), **MT940_OK)
    f.ok("base_crlf.sta", _mt(MT940, "\r\n"), **MT940_OK)
    f.ok("base_cr_seul.sta", _mt(MT940, "\r"), **MT940_OK)
    f.ok("bom_utf8.sta", b"\xef\xbb\xbf" + _mt(MT940), **MT940_OK)
    f.ok("utf16.sta", _mt(MT940, "\r\n", "utf-16"), **MT940_OK)
    f.ok("latin1.sta", _mt(MT940.replace("DUPONT", "DUPRÉ ÇA"), encoding="latin-1"), **MT940_OK,
         first_label="VIR SEPA RECU DUPRÉ ÇA FA-2026-00412")
    f.ok("enveloppe_swift.sta", ("{1:F01BNPAFRPPAXXX0000000000}{2:O9401200261203BNPAFRPPAXXX}{4:\n"
                                 + MT940.rstrip("-\n") + "\n-}{5:{CHK:123456789ABC}}").encode(), **MT940_OK)
    f.ok("entete_banque.sta", _mt("EXPORT BANQUE DU 03/12/2026\nCOMPTE 12345678\n" + MT940), **MT940_OK)
    f.ok("soldes_intermediaires.sta", _mt(MT940.replace(":60F:", ":60M:").replace(":62F:", ":62M:")),
         **MT940_OK)
    f.ok("releve_repete.sta", _mt(MT940 + MT940), **MT940_OK, warnings=1)
    second = MT940.replace(":28C:00001/001", ":28C:00002/001").replace("C261201EUR1000,00", "C261203EUR2225,56") \
        .replace("2612021202CR1234,56", "2612041204CR1234,56").replace("C261203EUR2225,56\n-", "C261204EUR3451,12\n-")
    f.ok("deux_releves.sta", _mt(MT940 + second.replace(":61:2612031203D9,", ":61:2612041204D9,")),
         statements=2, transactions=4, total_cents=122_556 * 2, warnings=0)
    f.ok("desequilibre.sta", _mt(MT940.replace("C261203EUR2225,56", "C261203EUR2225,57")),
         statements=1, transactions=2, balanced=False)
    for name, tag, words in (("sans_25", ":25:30004/00012345678\n", ["compte :25:"]),
                             ("sans_28c", ":28C:00001/001\n", ["numéro :28C:"]),
                             ("sans_60f", ":60F:C261201EUR1000,00\n", ["solde d'ouverture"]),
                             ("sans_62f", ":62F:C261203EUR2225,56\n", ["clôture"])):
        f.error(f"{name}.sta", _mt(MT940.replace(tag, "")), *words)
    f.error("sans_25_cr_seul.sta", _mt(MT940.replace(":25:30004/00012345678\n", ""), "\r"), "compte :25:")
    f.error("solde_60f_texte.sta", _mt(MT940.replace("C261201EUR1000,00", "C261201EURmille")), ":60F:", "illisible")
    f.error("solde_60f_date.sta", _mt(MT940.replace("C261201EUR", "C261345EUR")), ":60F:", "illisible")
    f.error("solde_60f_sans_sens.sta", _mt(MT940.replace("C261201EUR", "261201EUR")), ":60F:", "illisible")
    f.error("solde_62f_point.sta", _mt(MT940.replace("EUR2225,56", "EUR2.225,56")), ":62F:", "illisible")
    f.error("deux_60f.sta", _mt(MT940.replace(":61:2612021202", ":60F:C261201EUR1000,00\n:61:2612021202")),
            "deuxième solde")
    f.error("operation_montant.sta", _mt(MT940.replace("CR1234,56", "CRabc")), ":61:", "illisible")
    f.error("operation_date.sta", _mt(MT940.replace(":61:2612021202", ":61:2613451345")), ":61:", "illisible")
    f.error("operation_trois_lignes.sta", _mt(MT940.replace("//BANKREF1\n", "//BANKREF1\nDETAIL 1\nDETAIL 2\n")),
            "ligne de trop")
    f.error("86_sans_61.sta", _mt(MT940.replace(":60F:C261201EUR1000,00\n", ":60F:C261201EUR1000,00\n:86:ORPHELIN\n")),
            "sans opération")
    f.error("montant_demesure.sta", _mt(MT940.replace("CR1234,56", "CR99999999999999,")), "démesuré")
    f.error("tronque.sta", _mt(MT940[: MT940.index(":62F:")]), "clôture")
    f.error("vide.sta", b"", "aucune balise")
    f.error("espaces.sta", b"   \n\n\t\n", "aucune balise")
    f.error("binaire.sta", GARBAGE, "aucune balise")
    f.error("csv_au_lieu_de_mt940.sta", "Date;Libellé;Montant\n02/12/2026;VIR;10,00\n".encode(), "aucune balise")
    for name, text, iban in (
            ("iban_structure.sta",
             f"/TRTP/SEPA OVERBOEKING/IBAN/{IBAN_NL}/BIC/ABNANL2A/NAME/DUPONT/REMI/FA-1/EREF/E2E-9", IBAN_NL),
            ("iban_asn_en_tete.sta", f"{IBAN_NL} DUPONT BV FACTUUR FA-1", IBAN_NL),
            ("iban_allemand_31.sta", f"166?00GUTSCHRIFT?20EREF+E2E-7?21SVWZ+FA-1?31{IBAN_DE}?32MUELLER GMBH", IBAN_DE),
            ("iban_ing_cntp.sta", f"/CNTP/{IBAN_FR}/BNPAFRPP/DUPONT SA/PARIS//REMI/USTD//FA-1/", IBAN_FR),
            ("iban_faux_controle.sta", "NL91ABNA0417164301 DUPONT BV FACTUUR FA-1", "")):
        f.ok(name, _mt(MT940.replace("VIR SEPA RECU DUPONT FA-2026-00412", text)), **MT940_OK,
             first_counterparty_iban=iban)
    f.binaries("sta")
    return f


# ------------------------------------------------------------------------------------ CFONB

def _overpunch(cents: int) -> str:
    digits = f"{abs(cents):014d}"
    last = int(digits[-1])
    sign = ("{" if last == 0 else chr(ord("A") + last - 1)) if cents >= 0 else \
        ("}" if last == 0 else chr(ord("J") + last - 1))
    return digits[:-1] + sign


def _rec(kind: str, day: str, cents: int, label: str = "", decimals: str = "2", value_day: str = "",
         code: str = "", info: str = "", amount: str | None = None) -> str:
    r = [" "] * 120
    r[0:2] = kind
    r[2:7] = "30004"
    r[11:16] = "00012"
    r[16:19] = "EUR"
    r[19] = decimals
    r[21:32] = "12345678901"
    if kind == "04":
        r[32:34] = "05"
    if kind == "05":
        r[45:48] = code
        r[48:48 + len(info)] = info
    else:
        r[34:40] = day
        r[42:48] = value_day.ljust(6)
        r[48:48 + len(label)] = label[:31]
        r[90:104] = amount if amount is not None else _overpunch(cents)
    return "".join(r)


CFONB = [_rec("01", "011226", 100_000), _rec("04", "021226", 123_456, "VIR SEPA DUPONT", value_day="021226"),
         _rec("05", "", 0, code="NPY", info="DUPONT SA"), _rec("05", "", 0, code="LIB", info="FA-2026-00412"),
         _rec("04", "031226", -900, "FRAIS TENUE DE COMPTE", value_day="031226"), _rec("07", "031226", 222_556)]
CFONB_OK = dict(statements=1, transactions=2, total_cents=122_556, opening_cents=100_000,
                closing_cents=222_556, balanced=True)


def _cf(records: list[str], newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return (newline.join(records) + newline).encode(encoding)


def cfonb120() -> Family:
    f = Family("cfonb120")
    f.ok("base_lf.txt", _cf(CFONB), **CFONB_OK, first_counterparty_name="DUPONT SA")
    f.ok("base_crlf.txt", _cf(CFONB, "\r\n"), **CFONB_OK)
    f.ok("base_cr_seul.txt", _cf(CFONB, "\r"), **CFONB_OK)
    f.ok("sans_saut_de_ligne.txt", "".join(CFONB).encode(), **CFONB_OK)
    f.ok("lignes_vides.txt", _cf([x for r in CFONB for x in (r, "")]), **CFONB_OK)
    f.ok("bom_utf8.txt", b"\xef\xbb\xbf" + _cf(CFONB), **CFONB_OK)
    f.ok("utf16.txt", _cf(CFONB, "\r\n", "utf-16"), **CFONB_OK)
    accents = [r.replace("VIR SEPA DUPONT", "VIR SEPA DUPRÉ ") for r in CFONB]
    f.ok("latin1.txt", _cf(accents, encoding="latin-1"), **CFONB_OK, first_label="VIR SEPA DUPRÉ")
    f.ok("utf8_accents.txt", _cf([r.replace("DUPONT SA", "DUPRÉ SA ") for r in CFONB]), **CFONB_OK,
         first_counterparty_name="DUPRÉ SA")
    f.ok("releve_repete.txt", _cf(CFONB + CFONB), **CFONB_OK, warnings=1)
    later = [_rec("01", "031226", 222_556)] + CFONB[1:-1] + [_rec("07", "041226", 345_112)]
    f.ok("deux_releves.txt", _cf(CFONB + later), statements=2, transactions=4, total_cents=245_112, warnings=0)
    f.ok("desequilibre.txt", _cf(CFONB[:-1] + [_rec("07", "031226", 222_557)]), statements=1, transactions=2,
         balanced=False)
    f.ok("decimales_zero.txt", _cf([r[:19] + "0" + r[20:] for r in CFONB]), statements=1, transactions=2,
         total_cents=12_255_600)
    f.ok("decimales_trois.txt", _cf([_rec("01", "011226", 1_000_000, decimals="3"),
                                     _rec("04", "021226", 1_234_560, "VIR", decimals="3"),
                                     _rec("07", "021226", 2_234_560, decimals="3")]),
         statements=1, transactions=1, total_cents=123_456, balanced=True)
    f.ok("montant_avec_espaces.txt", _cf([CFONB[0], _rec("04", "021226", 0, "VIR", amount="        12345F"),
                                         _rec("07", "021226", 223_456)]),
         statements=1, transactions=1, total_cents=123_456, balanced=True)
    f.error("vide.txt", b"", "vide", "aucun relevé")
    f.error("lignes_blanches.txt", b"\n\n   \n", "vide")
    f.error("decimales_neuf.txt", _cf([r[:19] + "9" + r[20:] for r in CFONB]), "décimales", "0, 1, 2 ou 3")
    f.error("decimales_lettre.txt", _cf([r[:19] + "X" + r[20:] for r in CFONB]), "décimales")
    f.error("millièmes.txt", _cf([_rec("01", "011226", 1_000_001, decimals="3"), _rec("07", "011226", 1_000_001,
                                                                                         decimals="3")]),
            "millièmes")
    f.error("ligne_courte.txt", _cf(CFONB[:2] + [CFONB[2][:100]] + CFONB[3:]), "100 caractères", "120")
    f.error("code_inconnu.txt", _cf(CFONB[:1] + ["09" + CFONB[1][2:]] + CFONB[2:]), "« 09 » inconnu")
    f.error("operation_avant_solde.txt", _cf(CFONB[1:]), "hors d'un relevé")
    f.error("complement_sans_operation.txt", _cf(CFONB[:1] + CFONB[2:]), "complément 05")
    f.error("tronque.txt", _cf(CFONB[:-1]), "tronqué")
    f.error("deux_01.txt", _cf(CFONB[:2] + CFONB[:1] + CFONB[2:]), "nouvel ancien solde")
    f.error("signe_invalide.txt", _cf([CFONB[0][:103] + "*" + CFONB[0][104:]] + CFONB[1:]), "signe")
    f.error("montant_texte.txt", _cf([CFONB[0][:95] + "ABCDE" + CFONB[0][100:]] + CFONB[1:]), "non numérique")
    f.error("date_impossible.txt", _cf([CFONB[0][:34] + "320126" + CFONB[0][40:]] + CFONB[1:]), "valeur illisible")
    f.error("montant_demesure.txt", _cf([_rec("01", "011226", 0, decimals="0", amount="9999999999999I")]
                                        + CFONB[1:]), "démesuré")
    f.error("binaire.txt", GARBAGE, "caractères au lieu de 120")
    f.binaries("txt")
    return f


# ------------------------------------------------------------------------------------- camt

def _entry(ref: str, amount: str, side: str = "CRDT", day: str = "2026-12-02", status: str = "BOOK",
           codes: str = "<Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>",
           extra: str = "") -> str:
    return (f"<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>"
            f"<Sts><Cd>{status}</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<BkTxCd>{codes}</BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E-{ref}</EndToEndId></Refs>"
            f"<RltdPties><Dbtr><Pty><Nm>Dupont SA</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>{IBAN_FR}</IBAN></Id>"
            f"</DbtrAcct></RltdPties><RmtInf><Ustrd>FA-{ref}</Ustrd></RmtInf></TxDtls></NtryDtls>{extra}</Ntry>")


ENTRIES = [_entry("N1", "1234.56"), _entry("N2", "9.00", "DBIT", "2026-12-03",
                                          codes="<Prtry><Cd>FRAIS</Cd></Prtry>")]


def _stmt(entries=None, opening="1000.00", closing="2225.56", stmt_id="REL-1", period=True) -> str:
    entries = ENTRIES if entries is None else entries
    frto = ("<FrToDt><FrDtTm>2026-12-01T00:00:00</FrDtTm><ToDtTm>2026-12-03T23:59:59</ToDtTm></FrToDt>"
            if period else "")
    bal = "".join(f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>"
                  f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
                  for code, amount, day in (("OPBD", opening, "2026-12-01"), ("CLBD", closing, "2026-12-03"))
                  if amount is not None)
    return (f"<Stmt><Id>{stmt_id}</Id><CreDtTm>2026-12-03T23:00:00</CreDtTm>{frto}<Acct><Id><IBAN>{IBAN_FR}"
            f"</IBAN></Id><Ccy>EUR</Ccy></Acct>{bal}{''.join(entries)}</Stmt>")


def _camt(*stmts: str, version: str = "001.08", declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
          doctype: str = "") -> str:
    stmts = stmts or (_stmt(),)
    ns = f' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"' if version else ""
    return (f"{declaration}{doctype}<Document{ns}><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId>"
            f"<CreDtTm>2026-12-03T23:00:00</CreDtTm></GrpHdr>{''.join(stmts)}</BkToCstmrStmt></Document>")


CAMT_OK = dict(statements=1, transactions=2, total_cents=122_556, opening_cents=100_000,
               closing_cents=222_556, balanced=True)


def camt053() -> Family:
    f = Family("camt053")
    good = _stmt()
    f.ok("base.xml", _camt(good).encode(), **CAMT_OK, first_counterparty_iban=IBAN_FR,
         bank_codes=["PMNT-RCDT-ESCT", "FRAIS"])
    f.ok("version_02.xml", _camt(good, version="001.02").encode(), **CAMT_OK)
    f.ok("sans_espace_de_noms.xml", _camt(good, version="").encode(), **CAMT_OK)
    f.ok("sans_declaration.xml", _camt(good, declaration="").encode(), **CAMT_OK)
    f.ok("bom_utf8.xml", b"\xef\xbb\xbf" + _camt(good).encode(), **CAMT_OK)
    f.ok("utf16.xml", _camt(good, declaration='<?xml version="1.0" encoding="UTF-16"?>\n').encode("utf-16"),
         **CAMT_OK)
    f.ok("crlf_indente.xml", _camt(good).replace("><", ">\r\n  <").encode(), **CAMT_OK)
    f.ok("iso_et_proprietaire.xml", _camt(_stmt([_entry("N1", "1234.56", codes=(
        "<Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
        "<Prtry><Cd>VIR RECU</Cd><Issr>BNP</Issr></Prtry>"))], closing="2234.56")).encode(),
        statements=1, transactions=1, bank_codes=["PMNT-RCDT-ESCT"], proprietary_codes=["VIR RECU"])
    f.ok("ntryref_repete.xml", _camt(_stmt(ENTRIES + [ENTRIES[0]])).encode(),
         **CAMT_OK, warnings=1)
    f.ok("ntryref_repete_contenu_different.xml", _camt(_stmt(ENTRIES + [_entry("N1", "10.00")],
                                                             closing="2235.56")).encode(),
         statements=1, transactions=3, total_cents=123_556, balanced=True, unique_ids=True, warnings=1)
    f.ok("releve_repete.xml", _camt(good, good).encode(), **CAMT_OK, warnings=1)
    f.ok("deux_releves.xml", _camt(good, _stmt([_entry("N3", "5.00", day="2026-12-04")], opening="2225.56",
                                               closing="2230.56", stmt_id="REL-2")).encode(),
         statements=2, transactions=3, total_cents=123_056, warnings=0)
    per_statement = [_entry("1", "1234.56"), _entry("2", "9.00", "DBIT", "2026-12-03")]
    f.ok("ntryref_numerote_par_releve.xml",
         _camt(_stmt(per_statement), _stmt([_entry("1", "5.00", day="2026-12-04")], opening="2225.56",
                                           closing="2230.56", stmt_id="REL-2")).encode(),
         statements=2, transactions=3, total_cents=123_056, unique_ids=True, warnings=0, balanced=True)
    f.ok("desequilibre.xml", _camt(_stmt(closing="2225.57")).encode(), statements=1, transactions=2,
         balanced=False)
    f.ok("sans_cloture.xml", _camt(_stmt(closing=None)).encode(), statements=1, transactions=2, balanced=False)
    f.ok("en_attente_non_comptee.xml", _camt(_stmt(ENTRIES + [_entry("N9", "50.00", status="PDNG")])).encode(),
         statements=1, transactions=3, balanced=True)
    f.ok("sans_periode.xml", _camt(_stmt(period=False)).encode(), **CAMT_OK)
    f.ok("entite_externe.xml", _camt(_stmt([_entry("N1", "1234.56", extra="<AddtlNtryInf>&xxe;</AddtlNtryInf>")],
                                           closing="2234.56"),
                                     doctype='<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                                     ).encode(), statements=1, transactions=1, no_text="root:")
    bomb = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">' for i in range(9))
    # libxml2 refuses the amplification itself, even with expansion off: a French error, at once
    f.error("bombe_entites.xml", _camt(_stmt([_entry("N1", "1234.56", extra="<AddtlNtryInf>&l8;</AddtlNtryInf>")],
                                             closing="2234.56"), doctype=f"<!DOCTYPE Document [{bomb}]>\n").encode(),
            "XML mal formé", "bombe XML")
    for name, amount, words in (("montant_infini.xml", "Infinity", ["montant illisible", "Infinity"]),
                                ("montant_nan.xml", "NaN", ["montant illisible", "NaN"]),
                                ("montant_exposant.xml", "1E+30", ["montant illisible"]),
                                ("montant_negatif.xml", "-5.00", ["montant illisible"]),
                                ("montant_virgule.xml", "1234,56", ["montant illisible"]),
                                ("montant_vide.xml", "", ["montant illisible"]),
                                ("montant_trois_decimales.xml", "1.234", ["plus de 2 décimales"]),
                                ("montant_demesure.xml", "999999999999999999", ["démesuré"])):
        f.error(name, _camt(_stmt([_entry("N1", amount)])).encode(), *words)
    f.error("date_impossible.xml", _camt(_stmt([_entry("N1", "1.00", day="2026-13-45")])).encode(),
            "date impossible", "2026-13-45")
    f.error("date_texte.xml", _camt(_stmt([_entry("N1", "1.00", day="hier")])).encode(), "date impossible")
    f.error("periode_impossible.xml", _camt(good.replace("2026-12-01T00", "2026-02-30T00")).encode(),
            "date impossible")
    f.error("tronque.xml", _camt(good).encode()[:900], "XML mal formé")
    f.error("vide.xml", b"", "XML mal formé")
    f.error("camt054.xml", _camt(good).replace("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn").replace(
        "<Stmt>", "<Ntfctn>").replace("</Stmt>", "</Ntfctn>").encode(), "aucun relevé")
    f.error("html.xml", b"<html><body>Erreur 404</body></html>", "aucun relevé")
    f.error("binaire.xml", GARBAGE, "XML mal formé")
    f.binaries("xml")
    return f


# --------------------------------------------------------------------------------------- FEC

FEC_HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
              "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
              "ValidDate\tMontantdevise\tIdevise")
FEC_ROWS = [
    "VE\tVentes\tVE000001\t20261103\t411000\tClients\tC001\tDupré Électricité\tFA-1\t20261103\tFacture FA-1\t"
    "1200,00\t0,00\tAA\t20261203\t20261103\t\t",
    "VE\tVentes\tVE000001\t20261103\t706000\tPrestations\t\t\tFA-1\t20261103\tFacture FA-1\t0,00\t1000,00\t\t\t"
    "20261103\t\t",
    "VE\tVentes\tVE000001\t20261103\t445710\tTVA collectée\t\t\tFA-1\t20261103\tFacture FA-1\t0,00\t200,00\t\t\t"
    "20261103\t\t",
    "BQ\tBanque\tBQ000001\t20261203\t512000\tBanque\t\t\tVIR-1\t20261203\tRèglement FA-1\t1200,00\t0,00\t\t\t"
    "20261203\t\t",
    "BQ\tBanque\tBQ000001\t20261203\t411000\tClients\tC001\tDupré Électricité\tVIR-1\t20261203\tRèglement FA-1\t"
    "0,00\t1200,00\tAA\t20261203\t20261203\t\t",
]
FEC_OK = dict(lines=5, debit_cents=240_000, credit_cents=240_000, warnings=0)


def _fec(rows=None, header: str = FEC_HEADER, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return newline.join([header, *(FEC_ROWS if rows is None else rows)]).encode(encoding) + newline.encode(encoding)


def _fec_field(row: int, column: str, value: str) -> list[str]:
    rows = list(FEC_ROWS)
    fields = rows[row].split("\t")
    fields[FEC_HEADER.split("\t").index(column)] = value
    rows[row] = "\t".join(fields)
    return rows


def fec() -> Family:
    f = Family("fec")
    name = "Dupré Électricité"
    f.ok("base_crlf.txt", _fec(), **FEC_OK, encoding="utf-8", first_aux_name=name)
    f.ok("base_lf.txt", _fec(newline="\n"), **FEC_OK)
    f.ok("base_cr_seul.txt", _fec(newline="\r"), **FEC_OK, first_aux_name=name)
    f.ok("bom_utf8.txt", b"\xef\xbb\xbf" + _fec(), **FEC_OK, first_aux_name=name)
    f.ok("utf16_bom.txt", _fec(encoding="utf-16"), **FEC_OK, first_aux_name=name)
    f.ok("utf16_sans_bom.txt", _fec(encoding="utf-16-le"), **FEC_OK, first_aux_name=name)
    f.ok("cp1252.txt", _fec(encoding="cp1252"), **FEC_OK, encoding="cp1252", first_aux_name=name)
    f.ok("latin1_crlf_cr.txt", _fec(newline="\r", encoding="latin-1"), **FEC_OK, first_aux_name=name)
    f.ok("cp850.txt", _fec(_fec_field(0, "EcritureLib", "CRÉAT° Facture à régler"), encoding="cp850"),
         **FEC_OK, encoding="cp850", first_label="CRÉAT° Facture à régler", first_aux_name=name)
    mixed = _fec().split(b"\r\n")
    mixed[2] = mixed[2].decode("utf-8").replace("Facture FA-1", "Facture été").encode("cp1252")
    f.ok("une_ligne_latin1.txt", b"\r\n".join(mixed), **FEC_OK, encoding="utf-8", first_aux_name=name,
         second_label="Facture été")
    f.ok("barre_verticale.txt", _fec([r.replace("\t", "|") for r in FEC_ROWS], FEC_HEADER.replace("\t", "|")),
         **FEC_OK)
    f.ok("separateur_final.txt", _fec([r + "\t" for r in FEC_ROWS], FEC_HEADER + "\t"), **FEC_OK)
    f.ok("champs_completes.txt", _fec([r.replace("\t", "  \t  ") for r in FEC_ROWS]), **FEC_OK)
    f.ok("point_decimal.txt", _fec([r.replace(",00", ".00") for r in FEC_ROWS]), **FEC_OK)
    f.ok("colonnes_en_plus.txt", _fec([r + "\tX" for r in FEC_ROWS], FEC_HEADER + "\tExtra"), **FEC_OK)
    f.ok("entete_seul.txt", _fec([]), lines=0, debit_cents=0, credit_cents=0)
    f.ok("libelle_200_ko.txt", _fec(_fec_field(1, "EcritureLib", "L" * 200_000)), **FEC_OK)
    f.ok("ecriturenum_zero.txt", _fec([r.replace("VE000001", "0").replace("BQ000001", "0") for r in FEC_ROWS]),
         lines=5, debit_cents=240_000, credit_cents=240_000, warnings=1, warning_words=["EcritureNum", "5 lignes"])
    unbalanced = _fec_field(1, "Credit", "999,00") + [FEC_ROWS[0].replace("VE000001", "VE000002").replace("1200,00",
                                                                                                        "1,00")]
    f.ok("ecritures_desequilibrees.txt", _fec(unbalanced), lines=6, debit_cents=240_100, credit_cents=239_900,
         warnings=1, warning_words=["2 écriture(s) déséquilibrée(s) sur 3"])
    f.error("vide.txt", b"", "vide")
    f.error("lignes_vides.txt", b"\r\n\r\n  \r\n", "vide")
    f.error("point_virgule.txt", _fec([r.replace("\t", ";") for r in FEC_ROWS], FEC_HEADER.replace("\t", ";")),
            "séparateur")
    f.error("colonne_absente.txt", _fec([r.rsplit("\t", 1)[0] for r in FEC_ROWS], FEC_HEADER.rsplit("\t", 1)[0]),
            "Idevise")
    tab_in_label = _fec_field(1, "EcritureLib", "Facture\tFA-1")
    tab_in_label[1] = tab_in_label[1][:-2] + "\t1000,00\tEUR"  # no empty last field to absorb the shift
    f.error("champ_en_trop.txt", _fec(tab_in_label), "19 champs au lieu de 18")
    f.error("montant_texte.txt", _fec(_fec_field(0, "Debit", "mille")), "montant illisible", "Debit")
    f.error("montant_nan.txt", _fec(_fec_field(0, "Debit", "NaN")), "montant illisible")
    f.error("montant_infini.txt", _fec(_fec_field(0, "Debit", "Infinity")), "montant illisible")
    f.error("montant_10_puissance_20.txt", _fec(_fec_field(0, "Debit", "1" + "0" * 20)), "montant illisible",
            "1 000 milliards")
    f.error("montant_trois_decimales.txt", _fec(_fec_field(0, "Debit", "12,345")), "montant illisible")
    f.error("date_impossible.txt", _fec(_fec_field(0, "EcritureDate", "20261345")), "date illisible")
    f.error("date_vide.txt", _fec(_fec_field(0, "EcritureDate", "")), "date illisible", "EcritureDate")
    f.error("binaire.txt", GARBAGE, "séparateur")
    f.binaries("txt")
    return f


# ---------------------------------------------------------------------------------- Factur-X

def _facturx_base() -> bytes:
    import facturx

    party = {"addr_l1": "1 rue A", "postcode": "69001", "city": "Lyon", "country_code": "FR",
             "legal_identifier_schemeid": "0002"}
    data = {
        "BT-1": "FA-2026-00042", "BT-2": dt.date(2026, 11, 3), "BT-3": "380", "BT-5": "EUR",
        "BT-9": dt.date(2026, 12, 3), "BT-72": dt.date(2026, 11, 2), "BT-20": "30 jours net",
        "BG-4": {**party, "name": "Outillage Vernier SAS", "vat_identifier": "FR40303265045",
                 "legal_identifier": "303265045"},
        "BG-7": {**party, "name": "Dupont SARL", "vat_identifier": "FR23552081317", "legal_identifier": "552081317"},
        "BT-81": "58", "BT-84": IBAN_FR,
        "BG-25": [{"BT-126": "1", "BT-129": "3", "BT-130": "C62", "BT-131": "300.00", "BT-146": "100.00",
                   "BT-151": "S", "BT-152": "20.00", "BT-153": "Clé dynamométrique", "BT-155": "P-1"}],
        "BG-23": [{"BT-116": "300.00", "BT-117": "60.00", "BT-118": "S", "BT-119": "20.00"}],
        "BT-106": "300.00", "BT-109": "300.00", "BT-110": "60.00", "BT-112": "360.00", "BT-115": "360.00",
    }
    return facturx.generate_cii_xml(data, level="en16931", check_schematron=False)


FX_OK = dict(invoice_id="FA-2026-00042", invoice_date="2026-11-03", total_ttc_cents=36_000,
             total_ht_cents=30_000, lines=1, line_net_cents=[30_000])


def facturx_family() -> Family:
    f = Family("facturx")
    base = _facturx_base()
    text = base.decode("utf-8")

    def sub(old: str, new: str, count: int = 1) -> bytes:
        assert old in text, old
        return text.replace(old, new, count).encode("utf-8")

    f.ok("base.xml", base, **FX_OK, buyer_siren="552081317")
    f.ok("bom_utf8.xml", b"\xef\xbb\xbf" + base, **FX_OK)
    f.ok("crlf.xml", text.replace("\n", "\r\n").encode(), **FX_OK)
    f.ok("utf16.xml", text.replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"), **FX_OK)
    f.ok("sans_echeance.xml", sub("<ram:DueDateDateTime>\n          <udt:DateTimeString format=\"102\">20261203"
                                  "</udt:DateTimeString>\n        </ram:DueDateDateTime>", ""),
         **FX_OK, due_date="2026-11-03")
    f.ok("montant_avec_espaces.xml", sub("<ram:GrandTotalAmount>360.00", "<ram:GrandTotalAmount>  360.00 "),
         **FX_OK)
    f.ok("quantite_decimale.xml", sub('unitCode="C62">3<', 'unitCode="C62">2.5<'), **FX_OK)
    f.error("sans_bt2.xml", sub("<ram:IssueDateTime>\n      <udt:DateTimeString format=\"102\">20261103"
                                "</udt:DateTimeString>\n    </ram:IssueDateTime>", ""), "BT-2", "date")
    f.error("sans_bt1.xml", sub("<ram:ID>FA-2026-00042</ram:ID>", "<ram:ID></ram:ID>"), "BT-1")
    for name, value, term in (("total_nan.xml", "NaN", "BT-112"), ("total_infini.xml", "Infinity", "BT-112"),
                              ("total_exposant.xml", "1E+30", "BT-112"), ("total_texte.xml", "trois cents",
                                                                          "BT-112"),
                              ("total_virgule.xml", "360,00", "BT-112"), ("total_10_puissance_20.xml",
                                                                          "100000000000000000000", "BT-112")):
        f.error(name, sub("<ram:GrandTotalAmount>360.00", f"<ram:GrandTotalAmount>{value}"), term)
    f.error("total_demesure.xml", sub("<ram:GrandTotalAmount>360.00", "<ram:GrandTotalAmount>999999999999999"),
            "démesuré")
    f.error("ht_nan.xml", sub("<ram:TaxBasisTotalAmount>300.00", "<ram:TaxBasisTotalAmount>NaN"), "BT-109")
    f.error("tva_texte.xml", sub('<ram:TaxTotalAmount currencyID="EUR">60.00',
                                 '<ram:TaxTotalAmount currencyID="EUR">soixante'), "BT-110")
    f.error("ligne_montant_nan.xml", sub("<ram:LineTotalAmount>300.00", "<ram:LineTotalAmount>NaN"), "BT-131")
    f.error("prix_unitaire_texte.xml", sub("<ram:ChargeAmount>100.00", "<ram:ChargeAmount>cent"), "BT-146")
    f.error("quantite_nan.xml", sub('unitCode="C62">3<', 'unitCode="C62">NaN<'), "quantité illisible")
    f.error("taux_tva_texte.xml", sub("<ram:RateApplicablePercent>20.00", "<ram:RateApplicablePercent>vingt"),
            "BT-152")
    f.error("date_impossible.xml", sub('format="102">20261103', 'format="102">20261345'), "illisible")
    f.error("entite_externe.xml", text.replace("?>", '?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                                               1).replace("Dupont SARL", "&xxe;").encode(), "DOCTYPE")
    f.error("bombe_entites.xml", text.replace("?>", '?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1)
            .replace("Dupont SARL", "&b;").encode(), "DOCTYPE")
    f.error("tronque.xml", base[:1500], "XML mal formé")
    f.error("vide.xml", b"", "illisible")
    f.error("pas_du_xml.xml", "Facture n° FA-1, total 360 €".encode(), "illisible")
    f.error("xml_etranger.xml", b"<?xml version='1.0'?><html><body>facture</body></html>", "illisible")
    f.error("pdf_sans_xml.pdf", PDF, "PDF sans XML")
    f.error("binaire.xml", GARBAGE, "illisible")
    f.error("xls_ancien.xml", OLE, "illisible")
    f.error("archive_zip.xml", ZIP, "illisible")
    return f


# ------------------------------------------------------------------------------------ e-mail

EML = ("From: =?utf-8?q?Claire_Dupr=C3=A9?= <c.dupre@outillage-vernier.fr>\r\n"
       "To: =?utf-8?q?M=C3=BCller=2C_Anna?= <a.muller@client.de>, j.martin@client.fr\r\n"
       "Subject: =?utf-8?q?Relance_facture_FA-1_=E2=80=93_=C3=A9ch=C3=A9ance?=\r\n"
       "Date: Tue, 01 Dec 2026 16:00:00 +0100\r\n"
       "Message-ID: <M-001@outillage-vernier.fr>\r\n"
       "MIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=utf-8\r\n"
       "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
       "Bonjour,=0A=0ALa facture FA-1 est =C3=A9chue.\r\n")
EML_OK = dict(sender="Claire Dupré <c.dupre@outillage-vernier.fr>",
              to='"Müller, Anna" <a.muller@client.de>, j.martin@client.fr',
              subject="Relance facture FA-1 – échéance", sent_at="2026-12-01T16:00:00",
              body="Bonjour,\n\nLa facture FA-1 est échue.", warnings=0)


def _eml(**changes: str) -> bytes:
    text = EML
    for old, new in changes.items():
        text = text.replace(old.replace("_NL_", "\r\n"), new)
    return text.encode("utf-8")


def eml() -> Family:
    import base64

    f = Family("eml")
    f.ok("base.eml", EML.encode(), **EML_OK)
    f.ok("lf.eml", EML.replace("\r\n", "\n").encode(), **EML_OK)
    f.ok("entete_plie.eml", EML.replace(", j.martin", ",\r\n j.martin").encode(), **EML_OK)
    b64 = base64.b64encode("Bonjour,\n\nLa facture FA-1 est échue.".encode()).decode()
    body64 = EML.split("\r\n\r\n")[0].replace("quoted-printable", "base64") + "\r\n\r\n" + b64 + "\r\n"
    f.ok("base64.eml", body64.encode(), **EML_OK)
    cut = EML.split("\r\n\r\n")[0].replace("quoted-printable", "base64") + "\r\n\r\n" + b64[:-3] + "\r\n"
    f.ok("base64_tronque.eml", cut.encode(), warnings=1, body_starts="Bonjour,\n\nLa facture FA-1 est")
    f.ok("base64_caracteres_parasites.eml", (body64.replace(b64, b64[:8] + "!!" + b64[8:])).encode(), **EML_OK)
    f.ok("charset_inconnu_sujet.eml", EML.replace("Subject: =?utf-8?q?", "Subject: =?x-inconnu?q?").encode(),
         warnings=1, subject_contains="x-inconnu")
    f.ok("charset_inconnu_corps.eml", EML.replace("charset=utf-8", "charset=x-inconnu").encode(), warnings=1,
         body="Bonjour,\n\nLa facture FA-1 est échue.")
    f.ok("corps_latin1_annonce_utf8.eml", EML.split("\r\n\r\n")[0].replace("quoted-printable", "8bit").encode()
         + b"\r\n\r\nLa facture est \xe9chue.\r\n", warnings=1, body_starts="La facture est ")
    f.ok("from_guillemet_seul.eml", _eml(**{"From: =?utf-8?q?Claire_Dupr=C3=A9?= <c.dupre@outillage-vernier.fr>":
                                            'From: "'}), warnings=1, sender='"')
    f.ok("from_vide.eml", _eml(**{"From: =?utf-8?q?Claire_Dupr=C3=A9?= <c.dupre@outillage-vernier.fr>": "From:"}),
         sender="", subject="Relance facture FA-1 – échéance")
    f.ok("to_sans_arobase.eml", _eml(**{"j.martin@client.fr": "j.martin"}), warnings=0)
    f.ok("annee_0000.eml", _eml(**{"2026 16:00": "0000 16:00"}), sent_at="", warnings=1)
    f.ok("annee_deux_chiffres.eml", _eml(**{"Dec 2026": "Dec 26"}), sent_at="2026-12-01T16:00:00")
    f.ok("date_texte.eml", _eml(**{"Tue, 01 Dec 2026 16:00:00 +0100": "hier soir"}), sent_at="", warnings=1)
    f.ok("sans_date.eml", _eml(**{"Date: Tue, 01 Dec 2026 16:00:00 +0100_NL_": ""}), sent_at="", warnings=0)
    f.ok("date_impossible.eml", _eml(**{"01 Dec 2026": "45 Dec 2026"}), sent_at="", warnings=1)
    f.ok("html_seul.eml", _eml(**{"text/plain": "text/html", "Bonjour,=0A=0ALa facture": "<p>La facture"}),
         body_starts="<p>La facture FA-1")
    multipart = (EML.split("MIME-Version")[0] + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
                 "boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n"
                 "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTexte brut\r\n--XX--\r\n")
    f.ok("multipart.eml", multipart.encode(), body="Texte brut")
    f.ok("multipart_sans_fin.eml", multipart.replace("--XX--\r\n", "").encode(), body="Texte brut")
    f.ok("sujet_nul.eml", _eml(**{"Subject: ": "Subject: \x00 "}), message_id="M-001@outillage-vernier.fr")
    many = ", ".join(f"client{i}@exemple.fr" for i in range(2000))
    f.ok("to_2000_adresses.eml", _eml(**{"To: =?utf-8?q?M=C3=BCller=2C_Anna?= <a.muller@client.de>, "
                                         "j.martin@client.fr": f"To: {many}"}), to_count=2000)
    f.ok("ligne_200_ko.eml", _eml(**{"est =C3=A9chue.": "X" * 200_000}), body_length=len("Bonjour,\n\nLa facture "
                                                                                          "FA-1 ") + 200_000)
    f.ok("message_id_seul.eml", b"Message-ID: <x@y.fr>\r\n\r\nCorps\r\n", message_id="x@y.fr", body="Corps",
         sender="")
    f.error("vide.eml", b"", "pas un e-mail")
    f.error("texte_libre.eml", "Bonjour, voici la facture.\n".encode(), "pas un e-mail")
    f.error("binaire.eml", GARBAGE, "pas un e-mail")
    f.error("utf16.eml", EML.encode("utf-16"), "pas un e-mail")
    f.error("pdf.eml", PDF, "pas un e-mail")
    f.error("xls_ancien.eml", OLE, "pas un e-mail")
    f.error("dossier.eml", None, "dossier")
    return f


def main() -> None:
    for family in (mt940(), cfonb120(), camt053(), fec(), facturx_family(), eml()):
        print(f"{family.name:10} {family.write():3d} fichiers")


if __name__ == "__main__":
    main()
