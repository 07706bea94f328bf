"""The shared case filter (事件筛选): one form for the workbench, the statistics page and the ledgers.

``CaseFilterForm(request.GET or None, user=request.user)`` offers only what the user may see:
areas (streets, communities, grids) from ``Area.objects.visible_to(user)``, the category tree,
states, channels, lead units, reporting dates, overdue, rating and kind (the category tree and
the units leading cases in scope come from ``cases.choices``' cache). ``apply(cases)``
narrows a queryset that is already scoped (``Case.objects.visible_to(user)``); ``querystring()``
repeats the filter in export links. Choices are computed lazily, with one query per field at
most, and only when the form is rendered or validated.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any, ClassVar, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import Organisation
from accounts.scope import scope_prefixes
from areas.models import PREFIX_LENGTH, Level, code_prefix
from cases.choices import area_rows, category_rows, leading_unit_ids
from cases.models import OPEN_STATUSES, Case, Channel, Rating, Status
from cases.models.catalog import translated_catalog_text
from core.forms import BoundedDateField, LazyChoices, PlainDateInput, PlainSelect

# The levels an area filter can choose: above the grid, every level where cases are summed up.
AREA_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)
# A scope rooted at this level or above (a district, a city) lists no grids but those of the
# chosen community: a district has thousands of grids, too many for a select and for the page.
WIDE_SCOPE = PREFIX_LENGTH[Level.DISTRICT]
CODE_LENGTH, GRID_CODE_LENGTH = PREFIX_LENGTH[Level.COMMUNITY], PREFIX_LENGTH[Level.GRID]
UNRATED = "unrated"
YES, NO = "yes", "no"
DISPUTE = "dispute"
DATE_WIDGET = PlainDateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")
SELECT = {"class": "form-select form-select-sm"}


ALL: tuple[str, Any] = ("", gettext_lazy("全部"))


def overdue_condition(now: datetime.datetime | None = None) -> Q:
    """超期: a stage ended late (``ever_overdue``), or the running stage is past its deadline now."""
    running = Q(stage_due_at__lt=now or timezone.now(), status__in=OPEN_STATUSES - {Status.ON_HOLD})
    return Q(ever_overdue=True) | running


def local_day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the site's time zone (dates are local dates)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class LazyModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose queryset is built on first use (rendering or validating), so
    that a form costs nothing until then (``build`` is set per form, after the fields are copied)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.build: Callable[[], QuerySet[Any]] | None = None
        super().__init__(*args, **kwargs)

    def _get_lazy_queryset(self) -> QuerySet[Any] | None:
        if self.build is not None:
            build, self.build = self.build, None
            self._set_queryset(build())  # type: ignore[attr-defined]  # Django's own setter
        return self._queryset  # type: ignore[attr-defined, no-any-return]

    queryset = property(_get_lazy_queryset, forms.ModelChoiceField._set_queryset)  # type: ignore[attr-defined]


class CaseFilterForm(forms.Form):
    """Filters over cases in scope; every field is optional and every choice is limited to scope."""

    area = forms.ChoiceField(label=gettext_lazy("区域"), required=False, widget=PlainSelect)
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False, widget=PlainSelect)
    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), required=False, widget=PlainSelect)
    organisation = LazyModelChoiceField(
        label=gettext_lazy("主办单位"), queryset=Organisation.objects.none(), required=False, widget=PlainSelect
    )
    date_from = BoundedDateField(label=gettext_lazy("上报日期自"), required=False, widget=DATE_WIDGET)
    date_to = BoundedDateField(label=gettext_lazy("上报日期至"), required=False, widget=DATE_WIDGET)
    overdue = forms.ChoiceField(label=gettext_lazy("超期"), required=False, widget=PlainSelect)
    rating = forms.ChoiceField(label=gettext_lazy("评价"), required=False, widget=PlainSelect)
    kind = forms.ChoiceField(label=gettext_lazy("事件种类"), required=False, widget=PlainSelect)

    # The fields ``apply`` turns into conditions (subclasses may add options that are not filters).
    filtering: ClassVar[tuple[str, ...]] = (
        "area", "category", "status", "channel", "organisation", "date_from", "date_to", "overdue", "rating", "kind",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        # Callables: the queries run only when the choices are rendered or validated.
        self._choice(fields["area"]).choices = LazyChoices(self._area_choices)
        self._choice(fields["category"]).choices = LazyChoices(self._category_choices)
        self._choice(fields["status"]).choices = [ALL, *Status.choices]
        self._choice(fields["channel"]).choices = [ALL, *Channel.choices]
        self._choice(fields["overdue"]).choices = [ALL, (YES, _("曾超期或已超期")), (NO, _("未超期"))]
        self._choice(fields["rating"]).choices = [ALL, *Rating.choices, (UNRATED, _("未评价"))]
        self._choice(fields["kind"]).choices = [ALL, (DISPUTE, _("矛盾纠纷"))]
        organisation = fields["organisation"]
        assert isinstance(organisation, LazyModelChoiceField)
        organisation.build = self._organisations
        organisation.empty_label = _("全部")
        for field in fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget.attrs.update(SELECT)
                field.error_messages["invalid_choice"] = _("请从列表中选择%(field)s。") % {"field": field.label}
        fields["date_from"].error_messages["invalid"] = _("请填写有效的日期。")
        fields["date_to"].error_messages["invalid"] = _("请填写有效的日期。")

    @staticmethod
    def _choice(field: forms.Field) -> forms.ChoiceField:
        assert isinstance(field, forms.ChoiceField)
        return field

    # --- choices (one query each, cached on the form) ------------------------------------------

    @cached_property
    def _areas(self) -> dict[str, tuple[str, int]]:
        """code -> (name, level) of the active districts, streets, communities and grids in scope.

        For a wide scope (a district or more: ``WIDE_SCOPE``) the grids are only those of the
        chosen community, or of the chosen grid's community: the statistics' area table links
        a community's grids, and a link to a grid stays valid, but a district's thousands of grids
        are not listed. Grid codes follow their community's code, so they sort under it.
        """
        levels, variant = Q(level__in=AREA_LEVELS), "all"
        if self._wide_scope():
            levels, variant = Q(level__in=AREA_LEVELS[:-1]), "wide"
            chosen = self.data.get(self.add_prefix("area")) if self.is_bound else None
            if isinstance(chosen, str) and chosen.isdigit() and len(chosen) in (CODE_LENGTH, GRID_CODE_LENGTH):
                levels |= Q(level=Level.GRID, code__startswith=chosen[:CODE_LENGTH])
                variant = f"wide:{chosen[:CODE_LENGTH]}"
        # Cached per scope (``cases.choices.area_rows``): areas change seldom, the menu is on every list.
        return {code: (name, level) for code, name, level in area_rows(self.user, levels, variant)}

    def _wide_scope(self) -> bool:
        """Whether the user sees a district or more (a superuser sees everything)."""
        prefixes = scope_prefixes(self.user)
        return prefixes is None or any(len(prefix) <= WIDE_SCOPE for prefix in prefixes)

    def _area_choices(self) -> list[tuple[str, Any]]:
        indent = "\u3000"
        top = min((level for _name, level in self._areas.values()), default=Level.STREET)
        return [ALL, *((code, f"{indent * (level - top)}{name}") for code, (name, level) in self._areas.items())]

    @cached_property
    def _categories(self) -> dict[int, tuple[str, int | None]]:
        """id -> (name, parent id) of every category (a catalog of dozens of rows)."""
        return {pk: (name, parent) for pk, name, parent in category_rows()}

    def _category_choices(self) -> list[tuple[str, Any]]:
        children: dict[int | None, list[int]] = {}
        for pk, (_name, parent) in self._categories.items():
            children.setdefault(parent if parent in self._categories else None, []).append(pk)
        choices = [ALL]

        def walk(parent: int | None, depth: int) -> None:
            for pk in children.get(parent, []):
                choices.append((str(pk), "\u3000" * depth + translated_catalog_text(self._categories[pk][0])))
                walk(pk, depth + 1)

        walk(None, 0)
        return choices

    def category_subtree(self, pk: int) -> list[int]:
        """The category and all its descendants (a filter on a parent includes its children)."""
        found, frontier = [pk], [pk]
        while frontier:
            frontier = [child for child, (_name, parent) in self._categories.items()
                        if parent in frontier and child not in found]
            found.extend(frontier)
        return found

    def _organisations(self) -> QuerySet[Organisation]:
        """Units managed in scope, and units that lead cases in scope (a district department, say)."""
        visible = Organisation.objects.visible_to(self.user).values("pk")
        return Organisation.objects.filter(Q(pk__in=visible) | Q(pk__in=leading_unit_ids(self.user))).order_by("name")

    # --- validation -----------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
            cleaned.pop("date_from", None)  # an inverted range filters by neither end
        return cleaned

    def selected_area(self) -> tuple[str, int] | None:
        """(code, level) of the chosen area, when the filter is valid and names one."""
        if not self.is_bound:
            return None
        self.is_valid()
        code = getattr(self, "cleaned_data", {}).get("area")
        if not code:
            return None
        return code, self._areas[code][1]

    def offers_area(self, code: str) -> bool:
        """Whether ``code`` is one of the areas this form offers (in scope, active, summed up)."""
        return code in self._areas

    def area_name(self, code: str) -> str:
        found = self._areas.get(code)
        return found[0] if found else code

    # --- applying -------------------------------------------------------------------------------

    def apply(self, cases: QuerySet[Case], now: datetime.datetime | None = None,
              skip: Iterable[str] = ()) -> QuerySet[Case]:
        """``cases`` narrowed by every valid field (invalid fields are shown as errors, not applied)
        but those named in ``skip``."""
        if not self.is_bound:
            return cases
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        condition = Q()
        skipped = set(skip)
        for name in self.filtering:
            value = None if name in skipped else cleaned.get(name)
            if value not in (None, ""):
                condition &= self._condition(name, value, now)
        return cases.filter(condition)

    def _condition(self, name: str, value: Any, now: datetime.datetime | None) -> Q:
        if name == "area":
            return Q(grid_code__startswith=code_prefix(value, self._areas[value][1]))
        if name == "category":
            return Q(category_id__in=self.category_subtree(int(value)))
        if name == "organisation":
            return Q(lead_organisation=value)
        if name == "date_from":
            return Q(reported_at__gte=local_day_start(value))
        if name == "date_to":
            return Q(reported_at__lt=local_day_start(value + datetime.timedelta(days=1)))
        if name == "overdue":
            overdue = overdue_condition(now)
            return overdue if value == YES else ~overdue
        if name == "rating":
            return Q(rating="") if value == UNRATED else Q(rating=value)
        if name == "kind":
            return Q(dispute__isnull=False)
        return Q(**{name: value})

    def querystring(self) -> str:
        """The valid, non-empty filter values as a query string (for export and paging links)."""
        query = QueryDict(mutable=True)
        if self.is_bound:
            self.is_valid()
            cleaned = getattr(self, "cleaned_data", {})
            for name in self.fields:
                if cleaned.get(name) not in (None, ""):
                    query[self.add_prefix(name)] = self[name].value()
        return query.urlencode()

    def in_words(self) -> list[str]:
        """The valid, non-empty filters but the area as "状态：已结案" (a ledger's title row says them)."""
        if not self.is_bound:
            return []
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        words = []
        for name in self.filtering:
            value = cleaned.get(name)
            if name != "area" and value not in (None, ""):
                words.append(_("%(field)s：%(value)s") % {"field": self.fields[name].label,
                                                          "value": self._value_in_words(name, value)})
        return words

    def _value_in_words(self, name: str, value: Any) -> str:
        field = self.fields[name]
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = cast(Iterable[tuple[Any, Any]], field.choices)  # a list or lazy choices
            labels = {str(key): label for key, label in choices}
            return str(labels.get(str(value), value)).strip("\u3000")
        return str(value)

    def area_in_words(self) -> str:
        """The area a ledger covers: the chosen area, else the user's top areas (all areas for a superuser)."""
        chosen = self.selected_area()
        if chosen:
            return self.area_name(chosen[0])
        if self.user.is_superuser:
            return _("全部区域")
        separator = pgettext("list separator", "、")
        tops: list[str] = []
        covered = None
        for code, (name, level) in self._areas.items():  # sorted by code: children follow their parent
            if covered is None or not code.startswith(covered):
                tops.append(name)
                covered = code_prefix(code, level)
        if len(tops) > 3:
            return _("%(areas)s等%(n)d个区域") % {"areas": separator.join(tops[:3]), "n": len(tops)}
        return separator.join(tops)

    @property
    def is_filtered(self) -> bool:
        return bool(self.querystring())
