"""Scope in the Django admin: the queryset half.

``ScopedQuerysetMixin`` limits an admin's rows (and the choices other admins offer of its
model) to the user's scope through the scope rule (``core.scope``, installed by ``accounts``);
anything else answers 404. The area-aware half (object permissions asked about an object's
area, writes re-checked) is ``areas.admin_scope.ScopedAdminMixin``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.admin.exceptions import NotRegistered
from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponseRedirect

from core.scope import restrict

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class ScopedQuerysetMixin(_AdminBase):
    """Restrict an admin's rows to the user's scope; rows outside it answer 404.

    ``scope_code_field`` names the area code lookup of the model (``"code"`` for an Area,
    ``"area__code"`` for a row attached to an area). The admin's queryset also becomes the
    choice list wherever another admin offers this model in a foreign key or many-to-many.
    """

    scope_code_field: str = "area__code"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return restrict(queryset, request.user, self.scope_code_field)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponseRedirect:
        # The stock admin redirects to its index with "perhaps it was deleted"; an object
        # outside the user's scope must look exactly like one that does not exist: 404.
        raise Http404

    def visible_choices(self, request: HttpRequest, model: type[models.Model]) -> models.QuerySet[Any] | None:
        """The rows of ``model`` this user may pick, if ``model`` has a scoped admin."""
        try:
            related_admin = self.admin_site.get_model_admin(model)
        except NotRegistered:
            return None
        if isinstance(related_admin, ScopedQuerysetMixin):
            return related_admin.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            choices = self.visible_choices(request, db_field.remote_field.model)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            choices = self.visible_choices(request, db_field.remote_field.model)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def keep_hidden_choices(model_admin: ScopedQuerysetMixin, request: HttpRequest, form: ModelForm[Any]) -> None:
    """Keep many-to-many links the user cannot see when they save the form.

    The form offers only visible choices, so without this an area administrator saving an
    organisation would silently drop the service areas of other districts.
    """
    instance = form.instance
    if instance.pk is None:
        return
    for field in instance._meta.many_to_many:
        if field.name not in form.cleaned_data:
            continue
        visible = model_admin.visible_choices(request, field.remote_field.model)
        if visible is None:
            continue
        hidden = list(getattr(instance, field.name).exclude(pk__in=visible.values("pk")))
        if hidden:
            form.cleaned_data[field.name] = [*form.cleaned_data[field.name], *hidden]
