"""Start-up of management commands (issue #19): `help`, `importrecords`, `dedupe` and
`metaanalyze` start without the numerical and plotting stack, which costs about a second per
process; the apps import it where it is used (a job, a plot, a dashboard card)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "sklearn", "openpyxl")


def test_commands_start_without_the_numerical_and_plotting_stack():
    check = (
        "import sys, django; django.setup()\n"
        "from django.core.management import get_commands, load_command_class\n"
        "commands = get_commands()\n"
        "for name in ('importrecords', 'dedupe', 'metaanalyze', 'exportrecords'):\n"
        "    load_command_class(commands[name], name).create_parser('manage.py', name)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", check], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
