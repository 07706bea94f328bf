"""Template helpers for the area pages: kind colours, inline QR codes and readable phone numbers."""

from __future__ import annotations

import re
from typing import Any

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe

from areas.models import Area
from areas.selectors import map_kind, map_kind_label

register = template.Library()


@register.simple_tag
def qr_svg(url: str, css_class: str = "qr-code") -> SafeString:
    """An inline, scalable SVG QR code for ``url`` (error correction M survives a scuffed board)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(omitsize=True, svgclass=css_class, lineclass=None, border=2, dark="#000")
    # Safe: segno draws the markup from the encoded modules only; the URL itself is not embedded.
    return mark_safe(svg)


@register.filter
def phone_spaced(phone: str | None) -> str:
    """Group a mainland mobile number as 3-4-4 digits (138 0371 2233) so it reads aloud easily."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return phone or ""


@register.filter
def area_kind(area: Area) -> str:
    """The colour key of an area (street, community, comprehensive, dedicated, microgrid…)."""
    return map_kind(area)


@register.filter
def area_kind_label(area: Area) -> str:
    """The translated type of an area: 街道、社区、综合网格、专属网格、微网格…"""
    return map_kind_label(area)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` or None, for per-row lookups in tables."""
    return mapping.get(key) if mapping else None
