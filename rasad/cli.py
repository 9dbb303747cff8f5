"""The ``rasad`` command: Django's management commands plus Rasad's own.

``rasad serve``, ``rasad demo``, ``rasad createuser``, ``rasad check``, ``rasad audit verify``,
``rasad migrate`` ... ``rasad help`` lists them all, ``rasad <command> --help`` explains one.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasad.settings")
    from django.core.management import execute_from_command_line

    from rasad.env import SettingError

    try:
        execute_from_command_line(sys.argv)
    except SettingError as error:
        sys.stderr.write(f"rasad: {error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
