"""Our templates keep to the Content-Security-Policy without a browser: no inline script, no
inline event handler, no style attribute or element, no javascript: link, no htmx hx-on code.

The browser test (tests/test_content_security_policy.py) proves the main pages work under the
policy; this one covers every template, including those it does not visit.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx code in hx-on": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
}


def our_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    folders = [base / "templates", *sorted(base.glob("*/templates"))]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_it_finds_the_templates():
    names = {path.name for path in our_templates()}
    assert {"base.html", "board.html", "track.html"} <= names


@pytest.mark.parametrize("path", our_templates(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_the_template_needs_nothing_the_policy_refuses(path):
    text = path.read_text(encoding="utf-8")
    found = [f"{what}: {match.group(0).strip()}" for what, pattern in FORBIDDEN.items()
             for match in pattern.finditer(text)]
    assert found == []
