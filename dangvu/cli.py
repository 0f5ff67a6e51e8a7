"""The `dangvu` command: Django's management commands with the project's settings.

`dangvu demo`, `dangvu migrate`, `dangvu serve`, … For a local install without `DANGVU_SECRET_KEY`
it creates a random key once in the data directory (never a built-in value).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def _ensure_local_secret() -> None:
    if os.environ.get("DANGVU_SECRET_KEY"):
        return
    data_dir = Path(os.environ.get("DANGVU_DATA_DIR", Path.cwd() / "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["DANGVU_SECRET_KEY"] = key_file.read_text().strip()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    _ensure_local_secret()
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "dangvu"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
