"""The shared base of registry records: the grid a record lives in, its verification state, its scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import restrict
from areas.models import Area
from core.models import TimeStampedModel


class VerificationState(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    DOUBTFUL = "doubtful", _("有疑问")


class GridScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> GridScopedQuerySet:
        """Records in the user's areas; a 楼栋长 sees only what lies in the buildings they head."""
        def narrow(prefixes: list[str]) -> Q:
            # ``Building.heads`` seen from the user: this module cannot import ``places``, which builds on it.
            headed = user.headed_buildings.filter(_code_in(prefixes)).values("pk")
            return self.model.in_buildings(headed)

        return restrict(self, user, "grid_code", narrow)


class ByteOrderCharField(models.CharField):  # type: ignore[type-arg]
    """A code column compared byte by byte: PostgreSQL's "C" collation (SQLite compares so already).

    Under a language collation PostgreSQL can use a plain btree index for a prefix filter
    (``grid_code LIKE '410102%'``, the scope) only through a second pattern-ops index, and that
    one cannot give the rows in order. In "C" one composite index does both: the resident list
    reads a page of its scope from ``resident_address_order`` in order, with no sort.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        parameters: dict[str, Any] = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


def _check_field(name: str, validator: Any, value: str, *, required: bool = False) -> None:
    """Run a registry validator on one field, naming the field in the error."""
    if not value and not required:
        return
    try:
        validator(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def _code_in(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(grid_code__startswith=prefix)
    return condition


class GridScoped(TimeStampedModel):
    """A record that lives in one grid or micro-grid; ``grid_code`` mirrors ``grid.code``."""

    grid = models.ForeignKey(Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    verification_state = models.CharField(
        _("核实状态"), max_length=10, choices=VerificationState.choices, default=VerificationState.PENDING
    )
    verified_at = models.DateTimeField(_("最近核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def scope_area(self) -> Area:
        return self.grid

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        """The condition for records of this kind in these buildings (for building-limited roles)."""
        return Q(pk__in=[])

    def clean(self) -> None:
        super().clean()
        if self.grid_id and not self.grid.is_grid:
            raise ValidationError({"grid": _("只能登记在网格或微网格下。")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)
