#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# The development server answers each browser connection in a thread of its own, kept as long
# as the browser keeps the socket open: with persistent database connections every such thread
# holds one, and a few users exhaust PostgreSQL's max_connections. So the development servers
# close theirs after each request; gunicorn (config/wsgi.py, never this file) keeps the
# configured DATABASE_CONN_MAX_AGE.
DEVELOPMENT_SERVERS = {"runserver", "rundev"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if sys.argv[1:2] and sys.argv[1] in DEVELOPMENT_SERVERS:
        os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
