"""The ``o2c-lab`` command: generate a company, open the course, run it headless, run the tests.

Help texts and messages are French (the users are trainers and trainees); every
:class:`~o2c_lab.errors.O2CLabError` becomes a French message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from .errors import InvalidParameterError, O2CLabError, OutputFolderError
from .company.generator import DEFAULT_CUSTOMERS, MAX_CUSTOMERS, MAX_SEED, MIN_CUSTOMERS, parse_date
from .labsetup import (DEFAULT_DATASET, free_port, jupyter_lab_command, lab_settings_dir, lab_url, repo_root,
                       write_lab_settings)

__all__ = ["main", "parse_date"]

PROG = "o2c-lab"
NOISE_LEVELS = ("defaut", "difficile", "etranger")

# argparse's own messages are English; these are the ones a user can meet here.
_ARGPARSE_FRENCH = [
    (r"^argument (\S+): ", r"option \1 : "),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix invalide : \1 (choix possibles : \2)"),
    (r"expected one argument", "une valeur est attendue"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"invalid \S+ value: (.*)", r"valeur invalide : \1"),
    (r"expected at least one argument", "au moins une valeur est attendue"),
    (r"expected at most one argument", "une seule valeur est permise"),
    (r"expected (\d+) arguments?", r"\1 valeur(s) attendue(s)"),
    (r"not allowed with argument (.*)", r"incompatible avec l'option \1"),
    (r"ignored explicit argument (.*)", r"valeur non permise ici : \1"),
]


class _UsageError(Exception):
    """Raised instead of exiting when the command line is wrong."""

    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser


class _FrenchFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="utilisation : " if prefix is None else prefix)


class _FrenchParser(argparse.ArgumentParser):
    """ArgumentParser with a French usage line and errors raised to :func:`main`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _FrenchFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "arguments", "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message):
        for pattern, french in _ARGPARSE_FRENCH:
            message = re.sub(pattern, french, message)
        raise _UsageError(self, message)


# ----------------------------------------------------------------------------- argument types

def _date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except InvalidParameterError as exc:
        raise argparse.ArgumentTypeError(exc.message.replace("\n", " ")) from None


def _int_arg(minimum: int, maximum: int, example: int):
    """An argparse type: a plain integer (ASCII digits, optional sign) from ``minimum`` to ``maximum``."""
    valid = f"un entier de {minimum:,} à {maximum:,}".replace(",", " ")

    def convert(text: str) -> int:
        plain = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", plain):
            raise argparse.ArgumentTypeError(
                f"« {text[:40]} » n'est pas un nombre entier ; attendu : {valid} (par exemple {example}).")
        value = int(plain)
        if not minimum <= value <= maximum:
            size = "petit" if value < minimum else "grand"
            raise argparse.ArgumentTypeError(f"{value} est trop {size} ; attendu : {valid}.")
        return value
    return convert


_SEED = _int_arg(0, MAX_SEED, 2026)
_CUSTOMERS = _int_arg(MIN_CUSTOMERS, MAX_CUSTOMERS, DEFAULT_CUSTOMERS)
_PORT = _int_arg(1, 65_535, 8888)
_SHIFT_DAYS = _int_arg(-36_500, 36_500, 30)  # a century either way: dates stay in range


def _cohort_name(text: str) -> str:
    from .cohort.kit import cohort_folder

    if len(text) > 64:
        raise argparse.ArgumentTypeError(f"nom de cohorte trop long ({len(text)} caractères) ; "
                                         "attendu : 64 caractères au plus, par exemple paris-2026-12.")
    try:
        cohort_folder(text, ".")
    except InvalidParameterError as exc:
        raise argparse.ArgumentTypeError(exc.message.replace("\n", " ")) from None
    return text


# ----------------------------------------------------------------------------- parser

def _generator_default(name: str) -> str:
    """The default of ``generate_company``'s parameter ``name``, written the French way."""
    from . import generate_company

    param = inspect.signature(generate_company).parameters.get(name)
    if param is None or param.default is inspect.Parameter.empty:
        return "celle du cours"
    value = param.default
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


def _build_parser() -> _FrenchParser:
    parser = _FrenchParser(
        prog=PROG,
        description="Outils de la formation « IA et Order to Cash » : entreprise fictive,\n"
                    "carnets JupyterLab en français, tests.",
        epilog="Aide d'une commande : o2c-lab COMMANDE --help",
    )
    commands = parser.add_subparsers(title="commandes", dest="command", metavar="COMMANDE",
                                     required=True, parser_class=_FrenchParser)

    gen = commands.add_parser(
        "generate", help="générer une entreprise fictive et l'écrire dans un dossier",
        description="Génère une entreprise fictive (même graine = même entreprise) et écrit\n"
                    "ses fichiers (Excel, CSV, vérité terrain) dans un dossier.",
        epilog="Exemple :\n  o2c-lab generate --seed 7 --customers 150 --as-of 2026-12-14 --out mon_dossier")
    gen.add_argument("--seed", type=_SEED, metavar="N",
                     help=f"graine du générateur (défaut : {_generator_default('seed')})")
    gen.add_argument("--customers", type=_CUSTOMERS, metavar="K",
                     help=f"nombre de clients (défaut : {_generator_default('customers')})")
    gen.add_argument("--as-of", type=_date_arg, metavar="AAAA-MM-JJ", dest="as_of",
                     help="date d'arrêté du cas, AAAA-MM-JJ ou JJ/MM/AAAA "
                          f"(défaut : {_generator_default('as_of')})")
    gen.add_argument("--out", type=Path, required=True, metavar="DOSSIER",
                     help="dossier à créer pour les fichiers")
    gen.add_argument("--noise", choices=NOISE_LEVELS, metavar="{defaut,difficile,etranger}",
                     help="difficulté des encaissements à rapprocher "
                          f"(défaut : {_generator_default('noise')})")
    gen.add_argument("--force", action="store_true",
                     help="remplacer le dossier s'il existe déjà et n'est pas vide")
    gen.set_defaults(handler=_cmd_generate)

    lab = commands.add_parser(
        "lab", help="ouvrir le cours dans JupyterLab (en français)",
        description="Prépare l'entreprise du cours si besoin, règle JupyterLab en français\n"
                    "et l'ouvre sur le carnet de bienvenue.")
    lab.add_argument("--port", type=_PORT, metavar="N",
                     help="port du serveur (défaut : 8888 ou suivant)")
    lab.add_argument("--no-browser", action="store_true", dest="no_browser",
                     help="ne pas ouvrir le navigateur (serveur distant)")
    lab.set_defaults(handler=_cmd_lab)

    run = commands.add_parser(
        "run", help="exécuter tous les carnets sans interface (serveur, vérification)",
        description="Exécute les carnets de notebooks/ avec papermill, en mode IA hors ligne,\n"
                    "et écrit les carnets exécutés dans un dossier de sortie.")
    run.add_argument("--out", type=Path, default=Path("output"), metavar="DOSSIER",
                     help="dossier des carnets exécutés (défaut : output)")
    run.add_argument("--seed", type=_SEED, metavar="N",
                     help="générer une autre entreprise avec cette graine (défaut : entreprise du cours)")
    run.add_argument("--notebooks", nargs="+", metavar="CARNET",
                     help="noms des carnets à exécuter (défaut : tous)")
    run.set_defaults(handler=_cmd_run)

    anon = commands.add_parser(
        "anonymize", help="anonymiser un fichier Excel avant de le confier à une IA",
        description="Remplace les noms, contacts, e-mails, téléphones, SIREN, SIRET, TVA et IBAN\n"
                    "d'un classeur Excel par des pseudonymes (<CLIENT_1>…). La table de\n"
                    "correspondance reste sur ce poste, à côté du fichier produit.",
        epilog="Exemple :\n  o2c-lab anonymize balance_agee.xlsx --out balance_agee_anonyme.xlsx")
    anon.add_argument("file", type=Path, metavar="FICHIER", help="classeur Excel à anonymiser (.xlsx)")
    anon.add_argument("--out", type=Path, required=True, metavar="SORTIE",
                      help="classeur anonymisé à écrire (ne peut pas être l'original)")
    anon.add_argument("--nlp", action="store_true",
                      help="reconnaître aussi les noms de personnes dans le texte libre (plus lent)")
    anon.add_argument("--shift-days", type=_SHIFT_DAYS, metavar="N", dest="shift_days",
                      help="décaler toutes les dates de N jours")
    anon.set_defaults(handler=_cmd_anonymize)

    check = commands.add_parser(
        "ai-check", help="tester la connexion au service d'IA configuré",
        description="Lit la configuration (variables O2C_AI_… ou fichier .env) et explique en\n"
                    "français ce qui marche ou non : clé, adresse, modèle, quota.")
    check.set_defaults(handler=_cmd_ai_check)

    record = commands.add_parser(
        "ai-record", help="enregistrer les réponses d'un vrai modèle pour les rejouer hors ligne",
        description="Envoie chaque prompt de la bibliothèque, rempli avec les données anonymisées\n"
                    "d'une entreprise, au modèle configuré, et enregistre les réponses (modèle, date,\n"
                    "empreinte du prompt, jetons) pour le mode « rejeu ».")
    record.add_argument("--out", type=Path, required=True, metavar="FICHIER",
                        help="fichier JSON des réponses enregistrées")
    record.add_argument("--data", type=Path, metavar="DOSSIER",
                        help="jeu de données (défaut : l'entreprise du cours)")
    record.set_defaults(handler=_cmd_ai_record)

    build = commands.add_parser(
        "build", help="régénérer les carnets, exercices, corrigés et livrables génériques",
        description="Régénère, à partir de leurs sources Markdown (course/), les carnets (notebooks/), les\n"
                    "exercices (exercises/), les corrigés (solutions/) et les livrables génériques\n"
                    "(deliverables/). Une source fautive (cellule sans commentaire en français, fonction ou\n"
                    "widget inexistant) est signalée et rien n'est écrit. Avec --check, ne modifie rien :\n"
                    "signale aussi les copies périmées et toute fuite de corrigé dans un exercice.")
    build.add_argument("--check", action="store_true", help="vérifier seulement (code de sortie 1 si problème)")
    build.set_defaults(handler=_cmd_build)

    kit = commands.add_parser(
        "deliverables", help="produire les onze livrables (Word, Excel, Markdown)",
        description="Produit les livrables du cours : versions génériques sur l'entreprise du\n"
                    "cours, ou kit personnel d'un participant à partir de son journal (avec un ZIP).",
        epilog="Exemples :\n  o2c-lab deliverables --out deliverables\n"
               "  o2c-lab deliverables --out mon_kit --participant \"Camille Martin\"")
    kit.add_argument("--out", type=Path, required=True, metavar="DOSSIER", help="dossier des livrables")
    kit.add_argument("--participant", metavar="NOM", help="nom du participant dont le journal est lu")
    kit.add_argument("--journal-folder", type=Path, metavar="DOSSIER", dest="journal_folder",
                     help="dossier des journaux (défaut : dossier utilisateur habituel)")
    kit.add_argument("--data", type=Path, metavar="DOSSIER", help="jeu de données (défaut : l'entreprise du cours)")
    kit.set_defaults(handler=_cmd_deliverables)

    law = commands.add_parser(
        "droit", help="afficher la fiche de référence juridique et les taux à confirmer",
        description="Affiche la fiche de référence juridique (article et règle en une ligne),\n"
                    "les taux par semestre et les lignes de la table du droit à compléter.",
        epilog="Exemple :\n  o2c-lab droit --as-of 2026-12-14")
    law.add_argument("--as-of", type=_date_arg, metavar="AAAA-MM-JJ", dest="as_of",
                     help="date jusqu'à laquelle vérifier les taux (défaut : aujourd'hui)")
    law.set_defaults(handler=_cmd_law)

    _add_cohort(commands)

    # Parsed by main() itself: argparse would take pytest's options (-k, -x) for its own.
    commands.add_parser(
        "test", help="lancer les tests (équivalent de make test)",
        usage="o2c-lab test [ARGUMENTS POUR PYTEST ...]",
        description="Lance python -m pytest dans le dossier du projet ; les arguments\n"
                    "suivants sont transmis à pytest.",
        epilog="Exemple : o2c-lab test -x -k cli")
    return parser


def _add_cohort(commands) -> None:
    cohort = commands.add_parser(
        "cohort", help="préparer le kit d'une cohorte (participants et formateur) et le vérifier",
        description="Prépare, vérifie et complète le kit d'une cohorte : une entreprise pour la\n"
                    "promotion, le kit des participants (avec son ZIP), le kit du formateur (corrigés\n"
                    "exécutés, clés de correction, guide d'animation) et les réponses d'IA à rejouer.",
        epilog="Exemples :\n  o2c-lab cohort create paris-2026-12 --seed 11\n"
               "  o2c-lab cohort check paris-2026-12\n  o2c-lab cohort record paris-2026-12\n"
               "  o2c-lab cohort prepare paris-2026-12 --from questionnaires_recus\n"
               "  o2c-lab cohort attest paris-2026-12 --from journaux_recus --organisme organisme.yaml")
    actions = cohort.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True,
                                    parser_class=_FrenchParser)
    out_help = "dossier des cohortes (défaut : cohortes)"

    create = actions.add_parser(
        "create", help="créer le kit d'une cohorte",
        description="Génère l'entreprise de la cohorte et écrit, dans DOSSIER/NOM : le kit des\n"
                    "participants (carnets réglés sur ses données, exercices, données sans vérité\n"
                    "terrain, LISEZMOI) et son ZIP, le kit du formateur (données avec vérité terrain,\n"
                    "corrigés exécutés, clés de correction et guide d'animation en Word, PDF et\n"
                    "Markdown) et le manifeste (versions et empreintes SHA-256).",
        epilog="Exemple :\n  o2c-lab cohort create paris-2026-12 --seed 11 --size 150 --date 2026-12-14")
    create.add_argument("name", type=_cohort_name, metavar="NOM",
                        help="nom de la cohorte (lettres, chiffres, tirets)")
    create.add_argument("--seed", type=_SEED, required=True, metavar="N", help="graine de l'entreprise")
    create.add_argument("--size", type=_CUSTOMERS, metavar="K",
                        help=f"nombre de clients (défaut : {_generator_default('customers')})")
    create.add_argument("--date", type=_date_arg, metavar="AAAA-MM-JJ",
                        help=f"date d'arrêté du cas (défaut : {_generator_default('as_of')})")
    create.add_argument("--out", type=Path, default=Path("cohortes"), metavar="DOSSIER", help=out_help)
    create.add_argument("--force", action="store_true",
                        help="remplacer une cohorte du même nom (l'ancienne reste en place jusqu'à la fin)")
    create.set_defaults(handler=_cmd_cohort_create)

    check = actions.add_parser(
        "check", help="vérifier qu'une cohorte est prête (exécute tout le kit)",
        description="Vérifie les empreintes du manifeste, l'accord avec la source du cours, l'absence\n"
                    "de corrigé et de vérité terrain dans le kit participant, puis exécute tout le kit\n"
                    "sans interface et affiche un rapport. Code de sortie 0 seulement si la cohorte est prête.")
    check.add_argument("name", metavar="NOM", help="nom de la cohorte")
    check.add_argument("--out", type=Path, default=Path("cohortes"), metavar="DOSSIER", help=out_help)
    check.set_defaults(handler=_cmd_cohort_check)

    record = actions.add_parser(
        "record", help="enregistrer les réponses d'un vrai modèle pour le mode rejeu",
        description="Envoie au modèle configuré (O2C_AI_BASE_URL, O2C_AI_API_KEY, O2C_AI_MODEL ou\n"
                    "fichier .env) chaque prompt que les carnets envoient, sur les données de la\n"
                    "cohorte, et range les réponses (modèle, date, empreinte, jetons, coût) dans les\n"
                    "deux kits ; les carnets des participants passent en mode « rejeu ».")
    record.add_argument("name", metavar="NOM", help="nom de la cohorte")
    record.add_argument("--out", type=Path, default=Path("cohortes"), metavar="DOSSIER", help=out_help)
    record.set_defaults(handler=_cmd_cohort_record)

    prepare = actions.add_parser(
        "prepare", help="brief de préparation à partir des questionnaires des participants",
        description="Lit les fichiers renvoyés par les participants (leur journal journal-<nom>.json,\n"
                    "préparé par le carnet avant_1_preparation, ou une archive ZIP qui le contient) et\n"
                    "écrit dans le kit du formateur (formateur/preparation/) le brief de préparation en\n"
                    "Markdown, Word et PDF : métiers, outils d'IA et règles, tâches et heures, objectifs de\n"
                    "progrès, positionnement de la promotion par objectif, cas fil rouge à appuyer. Un\n"
                    "fichier illisible ou étranger est signalé, jamais ignoré en silence.",
        epilog="Exemple :\n  o2c-lab cohort prepare paris-2026-12 --from questionnaires_recus")
    _received_arguments(prepare, out_help)
    prepare.set_defaults(handler=_cmd_cohort_prepare)

    attest = actions.add_parser(
        "attest", help="attestation de formation (PDF) de chaque participant",
        description="Écrit dans le kit du formateur (formateur/attestations/) une attestation de\n"
                    "formation, ou certificat de réalisation, en PDF par participant : participant,\n"
                    "dates, durée (7 h), modules suivis d'après son journal. Un module est « suivi »\n"
                    "quand le journal montre son carnet ouvert ou un travail enregistré (réponse,\n"
                    "chronométrage, questionnaire, quiz). L'organisme et la formation se décrivent dans\n"
                    "un fichier YAML ou JSON (--organisme) ; sans lui, aucun organisme n'est nommé.",
        epilog="Exemple de fichier (organisme.yaml) :\n"
               "  organisme:\n    nom: Mon organisme\n    adresse: 1 rue de la Paix, 75002 Paris\n"
               "    numero_declaration_activite: \"11 75 00000 75\"\n    ville: Paris\n"
               "  formation:\n    intitule: IA et Order to Cash\n    dates: 14 décembre 2026\n"
               "    lieu: Paris\n    formateur: Camille Martin\n\n"
               "Exemple :\n  o2c-lab cohort attest paris-2026-12 --from journaux_recus --organisme organisme.yaml")
    _received_arguments(attest, out_help)
    attest.add_argument("--organisme", type=Path, metavar="FICHIER",
                        help="fichier YAML ou JSON de l'organisme et de la formation (facultatif)")
    attest.set_defaults(handler=_cmd_cohort_attest)

    report = actions.add_parser(
        "report", help="établir le bilan de la session à partir des journaux des participants",
        description="Lit les journaux des participants (fichiers journal-….json et ZIP de leur boîte à\n"
                    "outils) et, dans le dossier d'un serveur, les journaux des participants qui l'ont\n"
                    "accepté ; écrit dans DOSSIER/NOM/formateur/bilan le bilan (présence, positionnement,\n"
                    "évaluation des acquis, e-learning, gains mesurés, satisfaction) en HTML, Excel et PDF.",
        epilog="Exemple :\n  o2c-lab cohort report paris-2026-12 --from journaux_recus --anonyme")
    _received_arguments(report, out_help)
    report.add_argument("--hub", type=Path, metavar="DOSSIER_SERVEUR",
                        help="dossier des journaux d'un serveur partagé (seuls ceux avec accord sont lus)")
    report.add_argument("--anonyme", action="store_true", help="remplacer les noms par « Participant 1 », …")
    report.set_defaults(handler=_cmd_cohort_report)


def _received_arguments(parser, out_help: str) -> None:
    """NOM, --from and --out of the cohort actions that read the files sent back by participants."""
    parser.add_argument("name", metavar="NOM", help="nom de la cohorte (créée avec « cohort create »)")
    parser.add_argument("--from", dest="source", type=Path, required=True, metavar="DOSSIER_RECU",
                        help="dossier des fichiers reçus des participants (journaux .json et archives .zip)")
    parser.add_argument("--out", type=Path, default=Path("cohortes"), metavar="DOSSIER", help=out_help)


# ----------------------------------------------------------------------------- commands

def _generate(out: Path, *, force: bool = False, **params) -> None:
    """Generate a company with ``params`` (only those given), write it into ``out``, summarise it."""
    from . import generate_company, write_dataset
    from .company.dataset import check_output_folder
    from .money import format_date, format_eur, format_number, format_pct

    check_output_folder(out, force)  # fail before a generation that can take minutes on large sizes
    print(f"Génération de l'entreprise et écriture dans {out}…", flush=True)
    started = time.monotonic()
    params = {k: v for k, v in params.items() if v is not None}
    company = generate_company(**params, progress=params.get("customers", 0) >= 2_000)
    write_dataset(company, out, force=force)
    files = [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    t = company.tables
    m = company.summary()
    print(f"Entreprise « {company.name} » (graine {company.seed}, arrêté au "
          f"{format_date(company.as_of)}) écrite dans {out}")
    print(f"  {len(files)} fichiers, {format_number(size / 1e6, 1)} Mo, "
          f"en {format_number(time.monotonic() - started, 1)} s")
    print(f"  {len(t['customers'])} clients, {len(t['invoices'])} factures, "
          f"{len(t['bank_transactions'])} opérations bancaires")
    print(f"  Encours {format_eur(m['receivables_cents'], 0)} : {format_pct(m['overdue_share'])} échu, "
          f"{format_pct(m['over_90_share'])} à plus de 90 jours ; DSO {format_number(m['dso_days'], 0)} "
          f"jours pour {format_number(m['weighted_terms_days'], 0)} jours de délai moyen")
    if (out / "verite").is_dir():
        print(f"  Vérité terrain dans {out / 'verite'} : réservée aux formateurs et à la correction.")
    _warn_missing_rates(company.as_of)


def _warn_missing_rates(as_of) -> None:
    from .law import missing_rates
    missing = missing_rates(as_of)
    if missing:
        print("  Attention, taux à confirmer (les lettres l'indiquent) ; mettez à jour la table du droit :")
        for line in missing:
            print(f"    - {line}")


def _cmd_law(args) -> int:
    from .law import reference_card
    print(reference_card(args.as_of or dt.date.today()))
    return 0


def _cmd_generate(args) -> int:
    _generate(args.out, force=args.force, seed=args.seed, customers=args.customers,
              as_of=args.as_of, noise=args.noise)
    return 0


def _ensure_default_dataset(root: Path) -> Path:
    folder = root / DEFAULT_DATASET
    if not (folder.is_dir() and any(folder.iterdir())):
        print("Première utilisation : l'entreprise du cours n'existe pas encore.")
        _generate(folder, force=True)
    return folder


def _exec(argv: list[str]) -> int:
    """Replace this process by ``argv`` (POSIX) so Ctrl+C reaches JupyterLab directly."""
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(argv[0], argv)
    return subprocess.call(argv)  # Windows: exec would detach the server from the console


def _cmd_lab(args) -> int:
    root = repo_root()
    _ensure_default_dataset(root)
    settings = write_lab_settings(lab_settings_dir()).parent
    import secrets

    port, token = args.port or free_port(), secrets.token_urlsafe(16)
    print("Ouverture de JupyterLab en français (Ctrl+C deux fois pour arrêter)…\n"
          "Si aucun navigateur ne s'ouvre, copiez cette adresse dans votre navigateur :\n"
          f"  {lab_url(port, token)}\n"
          "Les messages qui suivent, en anglais, sont ceux du serveur : vous pouvez les ignorer.", flush=True)
    return _exec(jupyter_lab_command(root, settings, port=port, open_browser=not args.no_browser, token=token))


def _select_notebooks(folder: Path, names: list[str] | None) -> list[Path]:
    available = sorted(folder.glob("*.ipynb"))
    if not names:
        if not available:
            raise O2CLabError(f"Aucun carnet (.ipynb) dans {folder}.")
        return available
    by_name = {p.name: p for p in available} | {p.stem: p for p in available}
    unknown = [n for n in names if Path(n).name not in by_name]
    if unknown:
        raise InvalidParameterError(f"Carnet(s) introuvable(s) : {', '.join(unknown)}.",
                                    valid=", ".join(p.name for p in available) or "aucun carnet présent")
    return [by_name[Path(n).name] for n in names]


def _cmd_run(args) -> int:
    import papermill

    from .money import format_number

    root = repo_root()
    folder = root / "notebooks"
    notebooks = _select_notebooks(folder, args.notebooks)
    data_folder = None if args.seed is not None else str(_ensure_default_dataset(root))
    parameters = {"data_folder": data_folder, "ai_mode": "hors_ligne", "participant": ""}
    if args.seed is not None:  # otherwise the dataset fixes the company
        parameters["seed"] = args.seed
    out = args.out.resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"Impossible de créer le dossier de sortie « {out} » ({exc.strerror}).",
                                todo="choisissez un autre dossier avec --out") from exc

    # The headless run keeps its journal (and the toolkit it exports) with its outputs, not in the
    # user's own data folder; the kernels inherit the variable.
    os.environ.setdefault("O2C_LAB_JOURNAL_DIR", str(out / "journal"))
    rows = []
    for nb in notebooks:
        print(f"Exécution de {nb.name}…", flush=True)
        started = time.monotonic()
        try:
            # The kernel's own log (English warnings about transport and debugger) is not for trainees.
            papermill.execute_notebook(str(nb), str(out / nb.name), parameters=parameters,
                                       kernel_name="python3", cwd=str(folder), progress_bar=False,
                                       log_output=False, execution_timeout=600,
                                       extra_arguments=["--IPKernelApp.log_level=ERROR"])
            status, detail = "réussi", ""
        except Exception as exc:  # a runner reports every notebook, whatever made one fail
            status = "échec"
            detail = f"{getattr(exc, 'ename', type(exc).__name__)} : {getattr(exc, 'evalue', exc)}"
        rows.append((nb.name, status, time.monotonic() - started, detail))

    width = max(len("Carnet"), *(len(r[0]) for r in rows))
    print(f"{'Carnet':<{width}}  {'Statut':<7}  {'Durée (s)':>9}")
    for name, status, seconds, detail in rows:
        print(f"{name:<{width}}  {status:<7}  {format_number(seconds, 1):>9}")
        if detail:
            print(f"{'':<{width}}    {detail.splitlines()[0][:200]}")
    failed = sum(status != "réussi" for _, status, _, _ in rows)
    print(f"{len(rows) - failed} réussi(s), {failed} échec(s) ; carnets exécutés dans {out}")
    return 1 if failed else 0


def _check_workbook_paths(source: Path, out: Path) -> None:
    """French errors before any work: source not a readable .xlsx, output not a writable file."""
    from .errors import DataFileError
    from .formats._files import read_file_bytes, read_file_head, refuse_binary

    expected = "un classeur Excel .xlsx"
    head = read_file_head(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # old .xls, or .xlsx with a password
        refuse_binary(read_file_bytes(source), source, expected)
    elif not head.startswith(b"PK\x03\x04"):
        raise DataFileError("ce n'est pas un classeur Excel .xlsx (ni ZIP ni classeur).", path=source,
                            valid=expected, todo="ouvrez-le dans Excel et enregistrez-le au format .xlsx")
    if out.is_dir():
        raise OutputFolderError(f"« {out} » est un dossier ; il faut un nom de fichier.",
                                valid="un fichier .xlsx à créer, par exemple balance_anonyme.xlsx",
                                todo=f"indiquez --out {out / 'anonyme.xlsx'}")
    parent = out.parent if str(out.parent) else Path(".")
    if parent.is_dir() and not os.access(parent, os.W_OK):
        raise OutputFolderError(f"Écriture interdite dans le dossier « {parent} ».",
                                todo="choisissez avec --out un dossier où vous avez le droit d'écrire")


def _cmd_anonymize(args) -> int:
    import zipfile
    from xml.etree.ElementTree import ParseError

    from .ai import anonymize_excel
    from .errors import DataFileError

    _check_workbook_paths(args.file, args.out)
    try:
        result = anonymize_excel(args.file, args.out, use_nlp=args.nlp, shift_days=args.shift_days)
    except (zipfile.BadZipFile, ParseError, KeyError) as exc:
        # A damaged workbook, or one whose XML declares entities (refused by the reader).
        raise DataFileError(f"classeur illisible ou dangereux ({type(exc).__name__}).", path=args.file,
                            valid="un classeur .xlsx enregistré par Excel ou LibreOffice",
                            todo="ouvrez-le dans Excel, enregistrez-le de nouveau en .xlsx, puis réessayez") from None
    except OSError as exc:
        raise OutputFolderError(f"Écriture impossible de « {args.out} » ({exc.strerror or exc}).",
                                todo="choisissez avec --out un fichier dans un dossier où vous pouvez "
                                     "écrire") from None
    print(result)
    return 0


def _cmd_ai_check(args) -> int:
    from .ai import check_connection, load_config

    diagnosis = check_connection(load_config())
    print(diagnosis)
    return 0 if diagnosis.ok else 1


def _cmd_ai_record(args) -> int:
    from . import load_company
    from .ai import Anonymizer, Assistant, RecordingStore, library_tasks, load_config

    company = load_company(args.data or _ensure_default_dataset(repo_root()))
    assistant = Assistant("api", config=load_config(), anonymizer=Anonymizer.from_company(company))
    count = assistant.record(library_tasks(company), RecordingStore(args.out))
    print(f"{count} réponses enregistrées dans {args.out} (mode « rejeu »).")
    return 0


def _cmd_build(args) -> int:
    from . import load_company
    from .authoring import build_exercises, build_notebooks, check_exercises, stale_notebooks
    from .authoring.checks import source_problems
    from .deliverables import export_deliverables

    root = repo_root()
    if args.check:
        problems = source_problems()
        problems += [f"carnet périmé : notebooks/{name}" for name in stale_notebooks(root / "notebooks")]
        problems += check_exercises(root)
        for line in problems:
            print(line)
        print("Tout est à jour." if not problems else
              f"{len(problems)} problème(s) : lancez « o2c-lab build » puis relisez les différences.")
        return 1 if problems else 0
    problems = source_problems()
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problème(s) dans les sources du cours : rien n'a été régénéré. Corrigez-les, "
              "puis relancez « o2c-lab build ».")
        return 1
    written = build_notebooks(root / "notebooks") + build_exercises(root)
    written += export_deliverables(load_company(_ensure_default_dataset(root)), root / "deliverables")
    print(f"{len(written)} fichiers régénérés (carnets, exercices, corrigés, livrables).")
    return 0


def _cmd_deliverables(args) -> int:
    from . import load_company
    from .deliverables import export_deliverables

    journal = None  # read first: a journal problem is said before the company is loaded
    if args.participant:
        from .coaching import Journal

        try:
            journal = Journal.open(args.participant, args.journal_folder).data
        except OSError as exc:  # e.g. a corrupt journal that cannot be set aside in a read-only folder
            from .errors import DataFileError

            raise DataFileError(f"journal de « {args.participant} » impossible à relire ou à mettre de côté "
                                f"({exc.strerror or type(exc).__name__}).", path=exc.filename,
                                todo="copiez le dossier des journaux dans un dossier où vous pouvez écrire et "
                                     "indiquez-le avec --journal-folder") from None
    company = load_company(args.data or _ensure_default_dataset(repo_root()))
    written = export_deliverables(company, args.out, journal)
    print(f"{len(written)} fichiers écrits dans {args.out}.")
    return 0


def _cmd_cohort_create(args) -> int:
    from .cohort import create_cohort
    from .cohort.kit import PARTICIPANT, TRAINER, zip_name
    from .money import format_date, format_eur, format_number, format_pct

    print(f"Création de la cohorte « {args.name} » dans {args.out}…", flush=True)
    made = create_cohort(args.name, args.seed, customers=args.size, as_of=args.date, out=args.out,
                         force=args.force)
    company, m = made.company, made.company.summary()
    print(f"Cohorte « {args.name} » prête dans {made.folder} : {made.files} fichiers, "
          f"{format_number(made.bytes / 1e6, 1)} Mo, en {format_number(made.seconds, 0)} s")
    print(f"  Entreprise « {company.name} » (graine {company.seed}, {len(company.customers)} clients, arrêté au "
          f"{format_date(company.as_of)}) : encours {format_eur(m['receivables_cents'], 0)}, "
          f"{format_pct(m['overdue_share'])} échu, DSO {format_number(m['dso_days'], 0)} jours")
    print(f"  À remettre aux participants : {made.folder / zip_name(args.name)} (dossier {PARTICIPANT}/)")
    print(f"  Pour vous seul : {made.folder / TRAINER} (corrigés, clés de correction, guide d'animation)")
    print(f"  Vérification complète : o2c-lab cohort check {args.name} --out {args.out}")
    return 0


def _cmd_cohort_check(args) -> int:
    from .cohort import check_cohort

    print(f"Vérification de la cohorte « {args.name} » (exécution de tout le kit)…", flush=True)
    report = check_cohort(args.name, args.out)
    print(report)
    return 0 if report.ready else 1


def _report_set_aside(notes: list[str]) -> None:
    for note in notes:
        print(f"  ⚠ {note}")


def _cmd_cohort_prepare(args) -> int:
    from .cohort.prepare import prepare_cohort

    done = prepare_cohort(args.name, args.source, args.out)
    print(f"Brief de préparation de la cohorte « {args.name} » : {len(done.participants)} participant(s) "
          f"({', '.join(done.participants) or 'aucun'}).")
    _report_set_aside(done.set_aside)
    for path in done.files:
        print(f"  {path}")
    return 0


def _cmd_cohort_attest(args) -> int:
    from .cohort.attest import attest_cohort

    done = attest_cohort(args.name, args.source, args.out, args.organisme)
    print(f"{len(done.files)} attestation(s) écrite(s) pour la cohorte « {args.name} ».")
    _report_set_aside(done.set_aside)
    for path in done.files:
        print(f"  {path}")
    return 0


def _cmd_cohort_report(args) -> int:
    from .cohort.exports import read_exports
    from .cohort.report import build_report, write_report

    found = read_exports(args.source, hub=args.hub)
    _report_set_aside(found.set_aside)
    if not found.journals:
        raise InvalidParameterError("Aucun journal de participant lisible : pas de bilan à établir.",
                                    valid="des fichiers journal-….json ou les ZIP des boîtes à outils",
                                    todo="rassemblez les fichiers remis par les participants dans le dossier indiqué")
    report = build_report(args.name, found.journals, found.set_aside, anonymous=args.anonyme)
    paths = write_report(report, args.out)
    print(f"Bilan de {len(found.journals)} participant(s) écrit :")
    for path in paths:
        print(f"  {path}")
    return 0


def _cmd_cohort_record(args) -> int:
    from .cohort import record_cohort
    from .money import format_number

    print(f"Enregistrement des réponses d'IA pour la cohorte « {args.name} »…", flush=True)
    done = record_cohort(args.name, args.out)
    cost = "inconnu (modèle absent de la table des prix)" if done.cost_eur is None else \
        f"{format_number(done.cost_eur, 4)} €"
    print(f"{done.count} réponses de {done.model} enregistrées en {format_number(done.seconds, 0)} s "
          f"({done.prompt_tokens} jetons envoyés, {done.completion_tokens} reçus ; coût {cost}).")
    print(f"Les carnets des participants passent en mode « rejeu » ; vérifiez : "
          f"o2c-lab cohort check {args.name} --out {args.out}")
    return 0


def _run_pytest(pytest_args: list[str]) -> int:
    # As make test: one test process per core, each test file in one process (unless -n is given).
    parallel = [] if any(a.startswith("-n") for a in pytest_args) else ["-n", "auto", "--dist", "loadfile"]
    return subprocess.call([sys.executable, "-m", "pytest", *parallel, *pytest_args], cwd=repo_root())


# ----------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the ``o2c-lab`` command; return the exit code (2 for usage and o2c_lab errors)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _build_parser()
    try:
        if argv[:1] == ["test"] and argv[1:2] not in (["-h"], ["--help"]):
            return _run_pytest(argv[1:])
        try:
            args = parser.parse_args(argv)
        except _UsageError as exc:
            exc.parser.print_usage(sys.stderr)
            print(f"{exc.parser.prog} : erreur : {exc}", file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        return args.handler(args)
    except O2CLabError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
