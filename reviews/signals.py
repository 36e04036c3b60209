"""What the reviews app tells the others, without depending on them."""

from django.dispatch import Signal

# Sent inside an import's transaction once its records are written, with `search_import`:
# screening counts the new records in.
records_imported = Signal()
