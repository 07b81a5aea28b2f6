"""Write a company to a dataset folder (atomically) and load it back.

Layout of a dataset folder::

    donnees.xlsx                 every observable table, one sheet each (French headers)
    csv/<table>.csv              the same tables, « ; »-separated UTF-8 with BOM (French Excel)
    fec/<SIREN>FEC<AAAAMMJJ>.txt the general ledger entries (FEC, article A47 A-1 du LPF)
    banque/<relevé>.xml          bank statements (camt.053)
    emails/<fil>/<n>.eml         e-mail threads
    contrats/<contrat>.md        contracts
    verite/                      ground truth: for trainers and scoring only, never for a model
    LISEZMOI.md                  the French data dictionary (see :func:`data_dictionary`)
    manifeste.json               seed, versions and checksums of every file
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path


from ..errors import DataFileError, OutputFolderError
from .model import Company
from .schema import OBSERVABLE_TABLES, TRUTH_TABLES

__all__ = ["write_dataset", "load_company", "check_output_folder", "data_dictionary", "FORMATS", "WORKBOOK_NAME"]

#: What write_dataset can produce; the default writes all of them.
FORMATS = ("excel", "csv", "fec", "camt053", "eml", "contracts", "truth")
WORKBOOK_NAME = "donnees.xlsx"
EXCEL_MAX_ROWS = 1_048_575


def check_output_folder(out, force: bool = False) -> None:
    """Refuse, before any work, an output folder that cannot receive a dataset.

    Raises :class:`OutputFolderError` when ``out`` is a file, lies under a file, is a non-empty
    folder (unless ``force``), or cannot be created or written to.
    """
    out = Path(out)
    for place in (out, *out.parents):
        if place.exists():
            if not place.is_dir():
                raise OutputFolderError(f"« {place} » est un fichier, pas un dossier : impossible d'y créer « {out} ».",
                                        todo="choisissez un autre chemin avec --out")
            break
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputFolderError(f"Le dossier « {out} » existe déjà et n'est pas vide.",
                                valid="un dossier inexistant ou vide",
                                todo="choisissez un autre dossier, ou ajoutez --force pour le remplacer")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise OutputFolderError(f"Impossible de créer le dossier « {out.parent} ».",
                                todo="vérifiez le chemin et vos droits d'écriture") from None
    if not os.access(out.parent, os.W_OK):
        raise OutputFolderError(f"Pas de droit d'écriture dans « {out.parent} ».",
                                todo="choisissez un dossier où vous pouvez écrire")


_KIND_FR = {"str": "texte", "int": "entier", "cents": "montant en euros", "date": "date (JJ/MM/AAAA)",
            "bool": "oui / non", "float": "nombre"}


def _rules_section() -> list[str]:
    """Facts of the simulated company that the data must respect, read from their one source."""
    from ..law import AVERAGE_LATENESS_DAYS, AVERAGE_LATENESS_LABEL, AVERAGE_LATENESS_SOURCE, PAYMENT_TERMS
    from .scenario import COUNTRIES, ESCOMPTE_DAYS, ISSUER_SIZE, SEGMENTS, TERMS_BY_SEGMENT

    terms = [f"| {SEGMENTS[seg]} | " + ", ".join(f"{PAYMENT_TERMS[t]} (`{t}`)" for t in codes) + " |"
             for seg, codes in TERMS_BY_SEGMENT.items()]
    return [
        "## Règles de l'entreprise simulée", "",
        "Pays des clients : " + ", ".join(f"{name} (`{code}`)" for code, name in COUNTRIES.items()) + ". "
        "Aucun client dans les départements d'outre-mer (codes postaux 971 à 976), qui ont leurs propres "
        "taux de TVA.", "",
        "TVA : 20 % en France, 5,5 % pour les équipements destinés aux personnes handicapées ; aucune ligne "
        "à 10 % (taux réservé aux travaux dans des locaux d'habitation), sauf erreur plantée pour l'audit. "
        "Les clients de l'Union européenne n'achètent que des biens : livraison intracommunautaire exonérée "
        "(article 262 ter I du CGI), mention portée sur la facture.", "",
        "| segment | délai de paiement |", "|---|---|", *terms, "",
        "Un seul contrat est planté à 90 jours (illicite, pour l'audit). Délais publics : 30 jours, "
        "50 jours pour un centre hospitalier (articles R2192-10 et R2192-11 du Code de la commande publique).", "",
        f"Escompte : accordé seulement pour un paiement reçu dans le délai du contrat ({ESCOMPTE_DAYS} jours), "
        "sans jour de grâce. L'écriture `escompte` du grand livre clients porte le montant TTC déduit ; le FEC "
        "la répartit, comme un avoir d'escompte, entre le compte 665 (hors taxes) et la TVA collectée reprise "
        "(compte 445710).", "",
        f"Taille de l'émetteur : {ISSUER_SIZE}. Le SIREN du client ne devient une mention obligatoire pour "
        "elle qu'au 1er septembre 2027 (facturation électronique) : une facture antérieure sans ce SIREN "
        "n'est pas fautive.", "",
        f"Repère de retard : {AVERAGE_LATENESS_LABEL}, {str(AVERAGE_LATENESS_DAYS).replace('.', ',')} jours "
        f"({AVERAGE_LATENESS_SOURCE}). L'entreprise du cours est volontairement plus tendue : son retard "
        "moyen se lit dans ses indicateurs (carnet 00) et se compare à ce repère.", "",
    ]


def data_dictionary() -> str:
    """The French data dictionary of a dataset folder (Markdown), built from the schema."""
    lines = [
        "# Dictionnaire des données de l'entreprise fil rouge",
        "",
        "Ce dossier contient l'entreprise fictive du cours, générée par `o2c-lab generate`.",
        "La même graine donne exactement les mêmes fichiers ; une autre graine donne une autre entreprise",
        "avec la même histoire (voir le README du projet).",
        "",
        "| fichier ou dossier | contenu |",
        "|---|---|",
        f"| `{WORKBOOK_NAME}` | toutes les tables ci-dessous, une feuille chacune (en-têtes en français) |",
        "| `csv/<table>.csv` | les mêmes tables, séparateur « ; », UTF-8 avec BOM (ouverture directe dans Excel) |",
        "| `fec/<SIREN>FEC<AAAAMMJJ>.txt` | fichier des écritures comptables (article A47 A-1 du LPF), lettrage du 411 |",
        "| `banque/<relevé>.xml` | relevés bancaires mensuels au format camt.053 |",
        "| `emails/<fil>/<n>.eml` | fils d'e-mails avec les clients (ouvrables dans une messagerie) |",
        "| `contrats/<contrat>.md` | contrats et conditions particulières |",
        "| `verite/` | **vérité terrain** : réservée au formateur et à la correction, jamais à une IA |",
        "| `manifeste.json` | graine, versions et empreintes SHA-256 de chaque fichier |",
        "",
        "Les montants sont exacts au centime ; dans les CSV ils s'écrivent avec une virgule décimale,",
        "dans le classeur ce sont des nombres au format monétaire.",
        "",
        "## Tables observables (ce que voit l'équipe)",
        "",
    ]

    def describe(t):
        out = [f"### {t.sheet} — `{t.name}`", "", t.meaning, "",
               "| en-tête | colonne | type | signification |", "|---|---|---|---|"]
        out += [f"| {c.header} | `{c.name}` | {_KIND_FR[c.kind]} | {c.meaning} |" for c in t.columns]
        return out + [""]

    for t in OBSERVABLE_TABLES:
        lines += describe(t)
    lines += _rules_section()
    lines += ["## Vérité terrain (dossier `verite/`)", "",
              "Ce que l'entreprise ne voit pas mais que la simulation a décidé : elle sert à mesurer les",
              "exercices et les réponses des IA. Ne la donnez jamais à un modèle.", ""]
    for t in TRUTH_TABLES:
        lines += describe(t)
    return "\n".join(lines)


def replace_folder(built: Path, target: Path) -> None:
    """Put the folder ``built`` at ``target`` (same parent), replacing an existing one in two renames."""
    if target.exists():
        trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.ancien.", dir=target.parent))
        target.rename(trash / "ancien")
        built.rename(target)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        built.rename(target)


@contextlib.contextmanager
def _unwind_on_sigterm():
    """Make SIGTERM unwind like Ctrl+C while files are written, so the temporary folder is removed.

    By default SIGTERM (``kill``, a stopped container or Jupyter server) ends Python at once and
    would leave a hidden half-written folder. Only the main thread can set a handler.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def write_dataset(company: Company, out, *, force: bool = False, formats=FORMATS) -> Path:
    """Write every file of ``company`` into the folder ``out`` and return its path.

    The files are first written into a temporary folder next to ``out``, then moved into place
    in one step: an interruption never leaves a half-written dataset. An existing non-empty
    folder is replaced only with ``force=True``; SIGTERM during the writing removes the
    temporary folder too.
    """
    out = Path(out)
    check_output_folder(out, force)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise OutputFolderError(f"Format(s) inconnu(s) : {', '.join(sorted(unknown))}.",
                                valid=", ".join(FORMATS))
    with _unwind_on_sigterm():
        _write_into(company, out, formats)
    return out


def _write_into(company: Company, out: Path, formats) -> None:
    """Write the files into a temporary folder beside ``out``, then move it into place."""
    from ..formats import (company_to_fec, write_camt053, write_csv, write_excel, write_fec,
                           write_thread)

    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        tables = company.tables
        if "excel" in formats:
            big = [n for n, df in tables.items() if len(df) > EXCEL_MAX_ROWS]
            sheets = {n: df for n, df in tables.items() if n not in big}
            write_excel(sheets, tmp / WORKBOOK_NAME)
        if "csv" in formats:
            (tmp / "csv").mkdir()
            for t in OBSERVABLE_TABLES:
                write_csv(tables[t.name], t.name, tmp / "csv" / f"{t.name}.csv")
        if "fec" in formats:
            (tmp / "fec").mkdir()
            write_fec(company_to_fec(company), tmp / "fec", company.tables["company"]["siren"].iloc[0],
                      company.as_of)
        if "camt053" in formats:
            (tmp / "banque").mkdir()
            owner = company.tables["company"].iloc[0].to_dict()
            tx = tables["bank_transactions"]
            for st in tables["bank_statements"].itertuples(index=False):
                write_camt053(st._asdict(), tx[tx["statement_id"] == st.statement_id], owner,
                              tmp / "banque" / f"{st.statement_id}.xml")
        if "eml" in formats:
            (tmp / "emails").mkdir()
            for thread_id, messages in tables["emails"].groupby("thread_id", sort=True):
                write_thread(messages, tmp / "emails" / thread_id)
        if "contracts" in formats:
            (tmp / "contrats").mkdir()
            for name, text in sorted(company.documents.items()):
                (tmp / "contrats" / name).write_text(text, encoding="utf-8")
        if "truth" in formats:
            (tmp / "verite").mkdir()
            for t in TRUTH_TABLES:
                write_csv(company.truth[t.name], t.name, tmp / "verite" / f"{t.name}.csv")
            (tmp / "verite" / "scenario.json").write_text(
                json.dumps(company.scenario, ensure_ascii=False, indent=2, sort_keys=True, default=str),
                encoding="utf-8")
        (tmp / "LISEZMOI.md").write_text(data_dictionary(), encoding="utf-8")
        _write_manifest(company, tmp)
        replace_folder(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputFolderError(f"Écriture impossible dans « {out} » ({exc.strerror or exc}).",
                                todo="vérifiez l'espace disque et vos droits d'écriture") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_manifest(company: Company, folder: Path) -> None:
    import faker
    import numpy

    from .. import __version__

    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        files[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = {
        "seed": company.seed, "as_of": company.as_of.isoformat(),
        "customers": int(len(company.tables["customers"])), "noise": company.scenario.get("noise"),
        "versions": {"o2c_lab": __version__, "faker": faker.VERSION, "numpy": numpy.__version__},
        "files": files,
    }
    (folder / "manifeste.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                           encoding="utf-8")


def _truth_from_seed(folder: Path) -> tuple[dict, dict]:
    """(truth, scenario) of a dataset folder written without ``verite/`` (a participant's copy).

    The generator is deterministic: the parameters in ``manifeste.json`` give back the company,
    whose truth is kept in memory for the automatic corrections, provided the observable CSV
    files are byte for byte those the generator writes again. Otherwise there is no truth.
    """
    import filecmp

    from ..formats import write_csv
    from .generator import generate_company

    try:
        manifest = json.loads((folder / "manifeste.json").read_text(encoding="utf-8"))
        company = generate_company(**{k: manifest[k] for k in ("seed", "customers", "as_of", "noise")})
    except (OSError, ValueError, KeyError, TypeError):  # no manifest, or not one of a generated dataset
        return {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for t in OBSERVABLE_TABLES:
            fresh = write_csv(company.tables[t.name], t.name, Path(tmp) / f"{t.name}.csv")
            if not filecmp.cmp(fresh, folder / "csv" / f"{t.name}.csv", shallow=False):
                return {}, {}
    return company.truth, company.scenario


def load_company(path) -> Company:
    """Load a dataset folder written by :func:`write_dataset` (reads the CSV files).

    Without a ``verite/`` folder, the truth is rebuilt in memory from the seed when the files are
    untouched (see :func:`_truth_from_seed`); the folder itself never receives it.
    """
    from ..formats import read_csv

    folder = Path(path)
    if not (folder / "csv").is_dir():
        raise DataFileError("Ce dossier ne contient pas de jeu de données o2c_lab (sous-dossier csv/ absent).",
                            path=folder, todo="indiquez le dossier créé par « o2c-lab generate »")
    tables = {t.name: read_csv(folder / "csv" / f"{t.name}.csv", t.name) for t in OBSERVABLE_TABLES}
    truth, scenario = {}, {}
    if (folder / "verite").is_dir():
        truth = {t.name: read_csv(folder / "verite" / f"{t.name}.csv", t.name) for t in TRUTH_TABLES
                 if (folder / "verite" / f"{t.name}.csv").exists()}
        scenario_file = folder / "verite" / "scenario.json"
        if scenario_file.exists():
            scenario = json.loads(scenario_file.read_text(encoding="utf-8"))
    else:
        truth, scenario = _truth_from_seed(folder)
    documents = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "contrats").glob("*.md"))} \
        if (folder / "contrats").is_dir() else {}
    return Company(tables, truth, scenario, documents)
