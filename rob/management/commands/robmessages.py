"""Write rob/tools/messages.py, the tool files' texts for makemessages (see rob.tool_messages)."""

from django.core.management.base import BaseCommand

from rob import tool_messages


class Command(BaseCommand):
    help = "Write rob/tools/messages.py from the tool files, for makemessages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 if the module is out of date."
        )

    def handle(self, *args, check: bool = False, **options):
        wanted = tool_messages.module_text()
        current = (
            tool_messages.MODULE.read_text(encoding="utf-8")
            if tool_messages.MODULE.exists()
            else ""
        )
        if check:
            if current != wanted:
                self.stderr.write("rob/tools/messages.py is out of date: run manage.py robmessages")
                raise SystemExit(1)
            self.stdout.write("rob/tools/messages.py is up to date")
            return
        tool_messages.write()
        self.stdout.write(f"wrote {tool_messages.MODULE} ({len(tool_messages.texts())} texts)")
