"""``core.markup.escape``: what Django's ``escape`` gives, as plain text."""

from __future__ import annotations

from django.utils.html import escape as django_escape
from django.utils.translation import gettext_lazy, override

from core.markup import escape


def test_it_escapes_what_django_escapes() -> None:
    for value in ('<script>alert("x")</script>', "A & B's", "", 42, None, "已超期 ＜3＞", "&amp;"):
        assert escape(value) == str(django_escape(value)), value


def test_a_lazy_translation_is_escaped_in_the_active_language() -> None:
    with override("zh-hans"):
        assert escape(gettext_lazy("筛选")) == "筛选"
    with override("en"):
        assert escape(gettext_lazy("筛选")) == str(django_escape(gettext_lazy("筛选")))
