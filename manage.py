#!/usr/bin/env python
"""Django's manage.py; the same as the `dangvu` command."""

from dangvu.cli import main

if __name__ == "__main__":
    main()
