"""Area scope in the Django admin.

Every ModelAdmin of a scoped model mixes in ``ScopedAdminMixin`` so the admin obeys the same
rule as the pages: lists and object pages show only what lies in the user's scope (the rule of
``accounts.scope``, reached through ``core.scope``), anything else answers 404, choices of related
areas, organisations and users are limited to visible ones (``core.admin.ScopedQuerysetMixin``),
object permissions are asked about the object's area (``user.has_perm(perm, area)``), and every
write re-checks scope inside the admin's transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from areas.models import Area
from core.admin import ScopedQuerysetMixin, keep_hidden_choices
from core.scope import covers


class ScopedAdminMixin(ScopedQuerysetMixin):
    """Scope for an admin whose objects belong to one area.

    ``scope_area_path`` leads from an object to its area (``""`` when the object is an
    Area, ``"area"``, ``"home_area"``, ``"organisation__home_area"``); ``scope_code_field``
    follows from it. Object permissions are the user's role permissions in that area.
    """

    scope_area_path: str = "area"

    @property
    def scope_code_field(self) -> str:  # type: ignore[override]
        return f"{self.scope_area_path}__code" if self.scope_area_path else "code"

    def scope_area_of(self, obj: Any) -> Area | None:
        """The area an object belongs to; an inline is asked about its parent object."""
        if obj is None:
            return None
        if isinstance(obj, Area):
            return obj
        if isinstance(obj, self.model):
            return follow_to_area(obj, self.scope_area_path)
        return None

    def scoped_perm(self, action: str) -> str:
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_scoped_perm(self, request: HttpRequest, action: str, area: Area) -> bool:
        return covers(request.user, area.code) and request.user.has_perm(self.scoped_perm(action), area)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        area = self.scope_area_of(obj)
        if area is None:
            return super().has_view_permission(request, obj)
        return self.has_scoped_perm(request, "view", area) or self.has_scoped_perm(request, "change", area)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        area = self.scope_area_of(obj)
        if area is None:
            return super().has_change_permission(request, obj)
        return self.has_scoped_perm(request, "change", area)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        area = self.scope_area_of(obj)
        if area is None:
            return super().has_delete_permission(request, obj)
        return self.has_scoped_perm(request, "delete", area)

    def check_write_scope(self, request: HttpRequest, obj: models.Model, action: str) -> None:
        """Refuse a write unless the object's (new) area is in scope and the role allows it.

        Runs inside the admin's transaction, after the form has put the new values on ``obj``.
        """
        area = self.scope_area_of(obj)
        if area is None:
            if request.user.is_superuser:
                return
            raise PermissionDenied
        if not self.has_scoped_perm(request, action, area):
            raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.check_write_scope(request, obj, "change" if change else "add")
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.check_write_scope(request, obj, "delete")
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.check_write_scope(request, obj, "delete")
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        keep_hidden_choices(self, request, form)
        for formset in formsets:
            inline = self._inline_for(request, form.instance, formset)
            if inline is not None:
                check_formset_scope(inline, request, formset)
        super().save_related(request, form, formsets, change)  # type: ignore[misc]

    def _inline_for(self, request: HttpRequest, parent: Any, formset: Any) -> ScopedAdminMixin | None:
        for inline in self.get_inline_instances(request, parent):  # type: ignore[attr-defined]
            if inline.model is formset.model and isinstance(inline, ScopedAdminMixin):
                return inline
        return None


class ScopedInlineMixin(ScopedAdminMixin):
    """Scope for an inline: the parent object's area decides what may be done with its rows.

    ``parent_area_path`` leads from the parent object to its area (``""`` when the parent is
    an Area; None when the parent has no area, e.g. a user, and model permissions apply).
    """

    parent_area_path: str | None = ""

    def scope_area_of(self, obj: Any) -> Area | None:
        if obj is not None and not isinstance(obj, self.model | Area) and self.parent_area_path:
            return follow_to_area(obj, self.parent_area_path)
        return super().scope_area_of(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # type: ignore[override]
        area = self.scope_area_of(obj)
        if area is None:
            return super().has_add_permission(request, obj)  # type: ignore[call-arg]
        return self.has_scoped_perm(request, "add", area)


def follow_to_area(obj: Any, path: str) -> Area | None:
    """Follow a ``a__b`` attribute path from ``obj`` to an Area (None if it leads nowhere)."""
    target = obj
    for name in filter(None, path.split("__")):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target if isinstance(target, Area) else None


def check_formset_scope(inline: ScopedAdminMixin, request: HttpRequest, formset: BaseModelFormSet[Any, Any]) -> None:
    """Re-check each new, changed and deleted inline row before the formset is saved."""
    for form in formset.forms:
        if form in formset.deleted_forms:
            if form.instance.pk is not None:
                inline.check_write_scope(request, form.instance, "delete")
        elif form.has_changed():
            inline.check_write_scope(request, form.instance, "add" if form.instance.pk is None else "change")
