# JupyterHub pour une session « IA et Order to Cash » : 15 à 20 participants sur un serveur Linux.
#
# Lancement (en root, depuis le dossier du projet ; mode d'emploi complet dans hosting/README.md) :
#   read -rs O2C_HUB_PASSWORD; export O2C_HUB_PASSWORD
#   .venv/bin/jupyterhub -f hosting/jupyterhub_config.py
#
# Réglages par variables d'environnement (rien à modifier dans ce fichier pour une session type) :
#   O2C_HUB_DIR             dossier de la session (défaut /srv/o2c) : participants.txt, datasets/, hub/
#   O2C_HUB_PASSWORD        mot de passe commun des participants (8 caractères au moins), obligatoire
#   O2C_HUB_ADMIN_PASSWORD  facultatif : mot de passe du compte « formateur » (administration du hub)
#   O2C_HUB_BIND_URL        adresse d'écoute (défaut http://:8000, toutes les interfaces)
#   O2C_HUB_PYTHON          Python des serveurs des participants (défaut : celui qui lance le hub)
import os
import sys
from pathlib import Path

from o2c_lab.errors import InvalidParameterError
from o2c_lab.hosting import (COURSE_FOLDER, JOURNAL_DIR_ENV, check_accounts, check_readable_by_all,
                             course_pre_spawn_hook, journal_folder, read_participants)
from o2c_lab.labsetup import WELCOME_NOTEBOOK, repo_root, write_lab_settings

c = get_config()  # noqa: F821  (fourni par JupyterHub quand il lit ce fichier)

SESSION = Path(os.environ.get("O2C_HUB_DIR", "/srv/o2c"))
STATE = SESSION / "hub"                  # état du hub (base SQLite, secret des cookies) : privé
DATASETS = SESSION / "datasets"          # données partagées en lecture seule (contient fil_rouge/)
LAB_SETTINGS = SESSION / "jupyterlab"    # réglages communs de JupyterLab (langue française)
PYTHON = os.environ.get("O2C_HUB_PYTHON", sys.executable)
PASSWORD = os.environ.get("O2C_HUB_PASSWORD", "")
if len(PASSWORD) < 8:
    raise InvalidParameterError("Mot de passe des participants absent ou trop court.",
                                valid="8 caractères au moins, dans la variable O2C_HUB_PASSWORD",
                                todo="exportez O2C_HUB_PASSWORD avant de lancer le hub (voir hosting/README.md)")
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)

# --- Réseau -------------------------------------------------------------------------------------
# Le hub écoute sur toutes les interfaces pour que les postes de la salle l'atteignent. En HTTP,
# le mot de passe circule en clair sur le réseau : hors d'un réseau de salle de confiance, activez
# HTTPS (c.JupyterHub.ssl_cert / ssl_key) ou placez le hub derrière nginx ou Caddy.
c.JupyterHub.bind_url = os.environ.get("O2C_HUB_BIND_URL", "http://:8000")
c.JupyterHub.hub_ip = "127.0.0.1"        # l'API interne du hub reste locale
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
# Le proxy (configurable-http-proxy, Node.js) : celui du projet s'il est installé (make hub-proxy),
# sinon celui du PATH (npm install -g configurable-http-proxy).
LOCAL_PROXY = repo_root() / ".hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
if LOCAL_PROXY.exists():
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]

# --- Authentification ---------------------------------------------------------------------------
# Pour une journée : un mot de passe commun, donné en salle, et la liste des participants.
# Seuls les comptes de participants.txt peuvent se connecter, chacun avec son identifiant.
# Pourquoi pas les mots de passe Unix (PAM, l'authentificateur par défaut) ? Il faudrait en créer
# et en distribuer un par personne pour une seule journée. Pour une formation longue ou un
# serveur permanent : PAM, ou le compte de l'entreprise (OAuthenticator : Azure AD, Google…).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = PASSWORD
PARTICIPANTS = read_participants(SESSION / "participants.txt")
c.Authenticator.allowed_users = set(PARTICIPANTS)
if os.environ.get("O2C_HUB_ADMIN_PASSWORD"):
    # page d'administration (/hub/admin) : voir qui est connecté, redémarrer un serveur bloqué
    c.Authenticator.admin_users = {"formateur"}
    c.SharedPasswordAuthenticator.admin_password = os.environ["O2C_HUB_ADMIN_PASSWORD"]

# --- Serveurs des participants -------------------------------------------------------------------
# Un vrai compte Unix par participant, un processus par participant lancé sous son compte : chacun
# ne voit que son dossier personnel (rendu privé par le crochet ci-dessous).
# Avec systemd, SystemdSpawner (pip install jupyterhub-systemdspawner) fait de même et ajoute des
# limites de mémoire et de processeur par participant :
#   c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
#   c.SystemdSpawner.mem_limit = "2G"
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
check_accounts(PARTICIPANTS)
# Le Python du projet, par son chemin : sans cela, jupyterhub-singleuser est cherché dans le PATH.
# Les comptes des participants doivent pouvoir l'exécuter (pas sous /root ni un dossier privé).
check_readable_by_all(Path(PYTHON).resolve())
check_readable_by_all(repo_root() / "o2c_lab")
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
# JupyterLab en français, sans message demandant d'aller sur Internet.
write_lab_settings(LAB_SETTINGS)
check_readable_by_all(LAB_SETTINGS)
c.Spawner.args = [f"--LabApp.app_settings_dir={LAB_SETTINGS}"]
# Chacun arrive sur le carnet de bienvenue de sa propre copie du cours.
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/{WELCOME_NOTEBOOK.as_posix()}"
# Vingt serveurs qui démarrent en même temps sur une petite machine : laisser du temps.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Avant chaque démarrage : copie du cours dans ~/formation (seulement les fichiers absents : le
# travail du participant n'est jamais écrasé ; un carnet supprimé revient au démarrage suivant),
# lien ~/formation/datasets vers les données partagées, dossier personnel rendu privé (0700).
check_readable_by_all(DATASETS)
c.Spawner.pre_spawn_hook = course_pre_spawn_hook(repo_root(), DATASETS)

# Journal personnel dans ~/formation/journal : visible dans l'explorateur de fichiers, pour
# télécharger son kit en fin de journée ; illisible par les autres participants.
c.Spawner.environment = {JOURNAL_DIR_ENV: journal_folder}
