"""The ``precinct`` console command: Django's management commands under one name.

``precinct network import FILE`` is ``manage.py network import FILE``; every other
management command (migrate, createsuperuser, …) works the same way.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with precinct's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "precinct"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
