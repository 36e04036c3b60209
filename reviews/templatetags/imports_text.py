from django import template

register = template.Library()


@register.filter
def without_file_name(message: str, file_name: str) -> str:
    """A refusal without the "file.ris: " it starts with, where the page already names the
    file beside it (the message names it for the API and the command line)."""
    prefix = f"{file_name}: "
    if not file_name or not message.startswith(prefix):
        return message
    rest = message[len(prefix) :]
    return rest[:1].upper() + rest[1:]
