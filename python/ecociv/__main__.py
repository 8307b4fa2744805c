"""``python -m ecociv`` runs the command-line interface."""

from ecociv.cli import main

raise SystemExit(main())
