"""The zh-Hans catalogue is complete: every marked string is in it, translated, not fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
# What a copy of the project needs for makemessages to see every marked string.
NOT_COPIED = (".venv", ".git", "var", "tests", "bench", "test-artifacts", "*.sqlite*", "*.mo")


def _catalogue(domain: str) -> polib.POFile:
    return polib.pofile(str(CATALOGUE_DIR / f"{domain}.po"))


def _keys(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated_and_none_is_fuzzy(domain):
    catalogue = _catalogue(domain)
    assert catalogue.metadata.get("Language") == "zh_Hans"
    assert catalogue.metadata.get("Plural-Forms", "").startswith("nplurals=1;")
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {domain}.po: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {domain}.po: {fuzzy}"
    assert len(catalogue) > (200 if domain == "django" else 5)


@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_accepts_the_catalogue(domain):
    """Placeholders the same in both languages, a well-formed header (msgfmt --check)."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE_DIR / f"{domain}.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_catalogue_holds_every_marked_string(tmp_path):
    """`make messages` over a copy of the project finds nothing the catalogue lacks or no
    longer needs: a newly marked string that nobody translated fails here."""
    copy = tmp_path / "evident"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_COPIED))
    (copy / ".venv").symlink_to(Path(sys.executable).resolve().parents[1], target_is_directory=True)
    result = subprocess.run(
        ["make", "--no-print-directory", "messages"], cwd=copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for domain in DOMAINS:
        ours = _keys(_catalogue(domain))
        marked = _keys(
            polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"))
        )
        assert not marked - ours, (
            f"marked but not in {domain}.po (run make messages): {marked - ours}"
        )
        assert not ours - marked, f"in {domain}.po but no longer marked: {ours - marked}"
