"""``python -m o2c_lab`` runs the ``o2c-lab`` command."""

from .cli import main

raise SystemExit(main())
