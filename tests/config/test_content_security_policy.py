"""The Content-Security-Policy header, and templates that keep within it. The browser tests
(tests/browser/) check the pages themselves: any refusal fails them."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# What the policy refuses, as it appears in a template.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "inline <style>": re.compile(r"<style\b", re.I),
    "on…= handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on (eval)": re.compile(r"\s(?:data-)?hx-on", re.I),
    "hx-trigger [condition] (eval)": re.compile(r'hx-trigger="[^"]*\[', re.I),
    "hx-vals js: (eval)": re.compile(r"hx-vals=['\"]\s*js:", re.I),
}


COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_nothing_the_policy_refuses(template):
    # Comments may name what they avoid; blanked, line numbers kept.
    text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), template.read_text())
    found = [
        f"{what} on line {text.count(chr(10), 0, match.start()) + 1}"
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


def test_every_response_carries_the_policy(client, lead, review):
    client.force_login(lead)
    for path in (f"/reviews/{review.pk}/", "/reviews/999999/", "/api/v1/reviews/", "/api/docs/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "unsafe" not in policy


def test_the_policy_comes_from_the_setting(client, settings):
    settings.SECURE_CSP = {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == "default-src 'self'; img-src 'self' data:"


def test_django_debug_pages_keep_their_inline_styles(client, lead, settings):
    client.force_login(lead)
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/reviews/999999/")
    assert "Content-Security-Policy" in client.get("/accounts/login/")
