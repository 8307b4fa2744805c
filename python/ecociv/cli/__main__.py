"""``python -m ecociv.cli`` runs the command line."""

from ecociv.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
