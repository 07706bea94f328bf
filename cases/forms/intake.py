"""Forms of case intake (事件上报): the staff report page, the public 随手拍 page, the tracking page.

The forms check what a page can check before calling the transition (choices limited to what
the user may see, photos re-encoded, a phone that is a phone, the category's extra questions);
``cases.transitions.case_report`` checks everything again inside its transaction, and its
``ValidationError`` keys (``location``, ``description``, ``attr_<code>``…) are form fields here,
so ``apply_errors`` puts each message next to the field it names.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from areas.geo import CoordinateSystem
from areas.grid_cache import grid_by_code
from areas.models import Area, Level
from cases.attributes import clean_attributes, field_name
from cases.choices import public_category
from cases.forms.photofields import PhotoForm, PhotosField
from cases.models import AttributeKind, Category, CategoryAttribute, Channel, Rating
from cases.models.case import TRACKING_ALPHABET
from cases.models.catalog import translated_catalog_text
from cases.photos import first_gps
from registry.models import Building, Household, HouseholdMember, Resident
from registry.normalise import normalise_phone
from registry.selectors import visible_grids
from registry.validators import validate_phone

SYSTEM_CHOICES = [(system.value, system.value) for system in CoordinateSystem]
# Channels a desk records by hand; 居民随手拍 comes only through the public page.
DESK_CHANNELS = [Channel.GRID_WORKER, Channel.HOTLINE, Channel.WECHAT, Channel.WALK_IN, Channel.LEADER,
                 Channel.PLATFORM]


def staff_photo_limit() -> int:
    return int(getattr(settings, "CASES_STAFF_MAX_PHOTOS", 9))


def public_photo_limit() -> int:
    return int(getattr(settings, "CASES_PUBLIC_MAX_PHOTOS", 5))


# ----- building blocks -------------------------------------------------------------------------

def category_choices(categories: Iterable[Category]) -> list[tuple[str, str]]:
    """Categories in tree order, children indented under their parent (one flat select)."""
    rows = list(categories)
    by_parent: dict[int | None, list[Category]] = {}
    ids = {category.pk for category in rows}
    for category in rows:
        parent = category.parent_id if category.parent_id in ids else None
        by_parent.setdefault(parent, []).append(category)
    choices: list[tuple[str, str]] = [("", _("请选择类别"))]

    def walk(parent: int | None, depth: int) -> None:
        for category in by_parent.get(parent, []):
            choices.append((str(category.pk), "\u3000" * depth + category.display_name))
            if depth < 5:
                walk(category.pk, depth + 1)

    walk(None, 0)
    return choices


def attribute_field(attribute: CategoryAttribute) -> forms.Field:
    """The input of one extra question; the answer is checked by ``cases.attributes``."""
    label, required = attribute.display_label, attribute.required
    messages = {"required": _("请填写“%(label)s”。") % {"label": label}}
    options = [(option, translated_catalog_text(option)) for option in attribute.option_list]
    if attribute.kind == AttributeKind.CHOICE:
        return forms.ChoiceField(label=label, required=required, error_messages=messages,
                                 choices=[("", "—"), *options])
    if attribute.kind == AttributeKind.MULTIPLE:
        return forms.MultipleChoiceField(label=label, required=required, error_messages=messages,
                                         widget=forms.CheckboxSelectMultiple,
                                         choices=options)
    widget: forms.Widget = forms.TextInput()
    if attribute.kind == AttributeKind.NUMBER:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
    elif attribute.kind == AttributeKind.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    return forms.CharField(label=label, required=required, error_messages=messages, widget=widget, max_length=500)


class AttributeFieldsForm(forms.Form):
    """The extra questions of one category (what the htmx swap renders when the category changes)."""

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribute_names: list[str] = []
        if category is not None:
            for attribute in category.attributes.all():
                name = field_name(attribute)
                self.fields[name] = attribute_field(attribute)
                self.attribute_names.append(name)
        _style(self)


def _style(form: forms.Form) -> None:
    """Bootstrap classes and "请填写<字段>。" for missing values, as on the registry forms."""
    for field in form.fields.values():
        if str(field.error_messages.get("required", "")) == str(forms.Field.default_error_messages["required"]):
            field.error_messages["required"] = _("请填写%(field)s。") % {"field": field.label}
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class SelectedCategoryField(forms.ModelChoiceField):
    """The category menu: the category the form already read for its extra questions
    (``_selected_category``, same queryset, attributes prefetched) is the cleaned value without
    reading it again; any other value is looked up as usual."""

    selected: Category | None = None

    def to_python(self, value: Any) -> Any:
        if self.selected is not None and value not in self.empty_values and str(value) == str(self.selected.pk):
            return self.selected
        return super().to_python(value)


def _selected_category(form: ReportForm, queryset: QuerySet[Category]) -> Category | None:
    raw = form.data.get(form.add_prefix("category")) if form.is_bound else form.initial.get("category")
    if isinstance(raw, Category):
        return raw
    try:
        return form.read_category(queryset, int(str(raw)))
    except (TypeError, ValueError):
        return None


# ----- the common part of both report forms ----------------------------------------------------------------

class ReportForm(PhotoForm):
    """What every report has: category (+ its questions), description, place and photos.

    The photos are prepared last, when everything else is valid (``PhotoForm``)."""

    category = SelectedCategoryField(label=gettext_lazy("事件类别"), queryset=Category.objects.none(),
                                     error_messages={"invalid_choice": gettext_lazy("请选择有效的事件类别。")})
    description = forms.CharField(label=gettext_lazy("问题描述"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=gettext_lazy("具体地点"), max_length=200, required=False,
                              help_text=gettext_lazy("如：3号楼2单元门口、小区东门停车场。"))
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    system = forms.ChoiceField(required=False, choices=SYSTEM_CHOICES, initial=CoordinateSystem.WGS84,
                               widget=forms.HiddenInput)
    # Carries the errors about the place (the transition's ``location`` key); no value of its own.
    location = forms.CharField(label=gettext_lazy("位置"), required=False, widget=forms.HiddenInput)

    photo_limit = 9

    def __init__(self, *args: Any, categories: QuerySet[Category], attributes_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, SelectedCategoryField)
        field.queryset = categories
        # Read when the menu is rendered (once), not on a POST that saves: a callable is lazy.
        field.choices = functools.cache(lambda: category_choices(categories.select_related("parent")))
        if attributes_url:  # htmx swaps in the category's extra questions
            field.widget.attrs.update({"hx-get": attributes_url, "hx-target": "#attribute-fields",
                                       "hx-trigger": "change", "hx-swap": "innerHTML"})
        self.fields["photos"] = PhotosField(label=_("现场照片"), limit=self.photo_limit)
        self.category_obj = field.selected = _selected_category(self, categories)
        self.attribute_form = AttributeFieldsForm(self.data if self.is_bound else None, category=self.category_obj,
                                                  prefix=self.prefix)
        self.fields.update(self.attribute_form.fields)
        self.gps_point: tuple[float, float] | None = None
        _style(self)

    def read_category(self, categories: QuerySet[Category], pk: int) -> Category | None:
        """The chosen category with its questions (one query and its prefetch)."""
        try:
            return categories.prefetch_related("attributes").get(pk=pk)
        except Category.DoesNotExist:
            return None

    def clean_description(self) -> str:
        text = str(self.cleaned_data.get("description", "")).strip()
        if not text:
            raise ValidationError(_("请描述问题。"))
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        category = cleaned.get("category")
        if category is not None:
            raw = {name.removeprefix("attr_"): cleaned.get(name) for name in self.attribute_form.attribute_names
                   if name not in self.errors}
            try:
                cleaned["attributes"] = clean_attributes(category, raw)
            except ValidationError as error:
                self.apply_errors(error)
        if (cleaned.get("longitude") is None) != (cleaned.get("latitude") is None):
            self.add_error("location", _("请在地图上重新选择位置。"))
        return cleaned

    def photos_ready(self) -> None:
        """Without a pin, the first photo's GPS position places the report (read from the header)."""
        if self.cleaned_data.get("longitude") is None:
            self.gps_point = first_gps(self.photo_uploads.get("photos", []))

    def apply_errors(self, error: ValidationError) -> None:
        """Put a transition's errors next to the fields they name (the rest at the top), once each."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            target = field if field in self.fields else None
            # The page shows "<label>：<message>"; attribute messages already start with the label.
            prefix = f"{self.fields[field].label}：" if target else ""
            for message in ValidationError(errors).messages:
                message = message.removeprefix(prefix) if prefix else message
                if message not in self.errors.get(target or "__all__", []):
                    self.add_error(target, message)

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.attribute_form.attribute_names]

    def place_kwargs(self) -> dict[str, Any]:
        """Where the report is: the map point, else the photo's GPS position (WGS-84)."""
        cleaned = self.cleaned_data
        if cleaned.get("longitude") is not None and cleaned.get("latitude") is not None:
            return {"longitude": cleaned["longitude"], "latitude": cleaned["latitude"],
                    "system": cleaned.get("system") or CoordinateSystem.WGS84}
        if self.gps_point is not None:
            lng, lat = self.gps_point
            return {"longitude": lng, "latitude": lat, "system": CoordinateSystem.WGS84}
        return {}

    def report_kwargs(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "category": cleaned["category"], "description": cleaned["description"],
            "address": cleaned.get("address", ""), "attributes": cleaned.get("attributes", {}),
            "photos": cleaned.get("photos", []), **self.place_kwargs(),
        }


def clean_contact_phone(value: str) -> str:
    phone = normalise_phone(value)
    if phone:
        validate_phone(phone)
    return phone


# ----- the staff report page -------------------------------------------------------------------

def reportable_grids(user: User) -> QuerySet[Area]:
    """The active grids in the user's scope where they may report (``cases.report_case``)."""
    grids = list(visible_grids(user))
    allowed = [grid.pk for grid in grids if user.has_perm("cases.report_case", grid)]
    return visible_grids(user).filter(pk__in=allowed)


class StaffReportForm(ReportForm):
    """网格员上报 and desk-recorded reports: grid, registry links, channel and 当场解决."""

    grid = forms.ModelChoiceField(label=gettext_lazy("所在网格"), queryset=Area.objects.none(), required=False,
                                  empty_label=gettext_lazy("按地图位置自动确定"),
                                  error_messages={"invalid_choice": gettext_lazy("请选择您负责的网格。")})
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False,
                                      widget=forms.HiddenInput)
    household = forms.ModelChoiceField(label=gettext_lazy("户"), queryset=Household.objects.none(), required=False,
                                       widget=forms.HiddenInput)
    resident = forms.ModelChoiceField(label=gettext_lazy("人员"), queryset=Resident.objects.none(), required=False,
                                      widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), choices=[], required=False)
    reporter_name = forms.CharField(label=gettext_lazy("反映人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    resolved = forms.BooleanField(label=gettext_lazy("当场解决"), required=False,
                                  help_text=gettext_lazy(
                                      "已在现场处理完毕：上报即反馈，并附处理后的照片；由网格其他成员或社区核查。"))
    note = forms.CharField(label=gettext_lazy("处理情况"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.photo_limit = staff_photo_limit()
        kwargs.setdefault("attributes_url", reverse("cases:report_attributes"))
        super().__init__(*args, categories=Category.objects.active(), **kwargs)
        self.user = user
        self.is_desk = user.has_perm("cases.accept_case")
        self.may_resolve = user.has_perm("cases.self_handle_case")
        grid_field = self.fields["grid"]
        assert isinstance(grid_field, forms.ModelChoiceField)
        self.grids = grid_field.queryset = reportable_grids(user)
        for name, model in (("building", Building), ("household", Household), ("resident", Resident)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = model.objects.visible_to(user)  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = _("找不到这条记录，或您无权查看。")
        if self.is_desk:
            channel = self.fields["channel"]
            assert isinstance(channel, forms.ChoiceField)
            channel.choices = [(value, Channel(value).label) for value in DESK_CHANNELS]
            channel.initial = Channel.GRID_WORKER if self.may_resolve else Channel.HOTLINE
        else:
            for name in ("channel", "reporter_name", "reporter_phone"):
                del self.fields[name]
        if self.may_resolve:
            self.fields["after_photos"] = PhotosField(label=_("处理后照片"), limit=self.photo_limit)
            _style(self)
        else:
            del self.fields["resolved"], self.fields["note"]

    def clean_reporter_phone(self) -> str:
        return clean_contact_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean_channel(self) -> str:
        return str(self.cleaned_data.get("channel") or Channel.GRID_WORKER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("resolved") and not str(cleaned.get("note", "")).strip():
            self.add_error("note", _("请说明处理情况。"))
        self._complete_links(cleaned)
        return cleaned

    def _complete_links(self, cleaned: dict[str, Any]) -> None:
        """A resident brings their current household, a household its building (when visible)."""
        resident, household = cleaned.get("resident"), cleaned.get("household")
        if resident is not None and household is None:
            stay = HouseholdMember.objects.current().filter(resident=resident).select_related("household").first()
            if stay is not None and Household.objects.visible_to(self.user).filter(pk=stay.household_id).exists():
                cleaned["household"] = household = stay.household
        if household is not None and cleaned.get("building") is None:
            building = Building.objects.visible_to(self.user).filter(dwellings__households=household).first()
            cleaned["building"] = building

    def place_kwargs(self) -> dict[str, Any]:
        """The map point, else the chosen grid, else the linked building's grid and point, else the photo's."""
        cleaned = self.cleaned_data
        grid, building = cleaned.get("grid"), cleaned.get("building")
        place: dict[str, Any] = {"grid": grid}
        if cleaned.get("longitude") is not None and cleaned.get("latitude") is not None:
            return {**place, **super().place_kwargs()}
        if grid is None and building is not None:
            place["grid"] = building.grid
            if building.lng is not None and building.lat is not None:
                place.update(longitude=building.lng, latitude=building.lat, system=CoordinateSystem.WGS84)
            return place
        if grid is None:
            return {**place, **super().place_kwargs()}
        return place

    def report_kwargs(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        values = super().report_kwargs()
        values.update(
            channel=cleaned.get("channel") or Channel.GRID_WORKER,
            building=cleaned.get("building"), household=cleaned.get("household"), resident=cleaned.get("resident"),
            reporter_name=cleaned.get("reporter_name", ""), reporter_phone=cleaned.get("reporter_phone", ""),
        )
        return values

    @property
    def wants_resolved(self) -> bool:
        return bool(self.may_resolve and self.cleaned_data.get("resolved"))

    def linked_records(self) -> dict[str, Any]:
        """The chosen building, household and resident (bound or initial), for the chips on the page."""
        records: dict[str, Any] = {}
        for name in ("building", "household", "resident"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
            value = str(self[name].value() or "")
            if value.isdigit():
                records[name] = field.queryset.filter(pk=int(value)).first()
        records = {name: record for name, record in records.items() if record is not None}
        return records


# ----- the public report page (随手拍) --------------------------------------------------------------

class CachedGridField(forms.ModelChoiceField):
    """The QR code's grid by its code: an active grid or micro-grid read from the cache
    (``areas.grid_cache``) instead of a query per report; the queryset only renders the field."""

    def to_python(self, value: Any) -> Area | None:
        if value in self.empty_values:
            return None
        grid = grid_by_code(str(value))
        if grid is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return grid


class PublicReportForm(ReportForm):
    """居民随手拍: a public category, a place inside some grid, photos, anonymous or with a phone."""

    anonymous = forms.BooleanField(label=gettext_lazy("匿名反映"), required=False,
                                   help_text=gettext_lazy("匿名反映无法接收办理进度短信，请保存好查询码。"))
    reporter_name = forms.CharField(label=gettext_lazy("称呼"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=30, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    # The grid of the QR code the page was opened from (``?grid=<code>``): where the report is
    # when neither a pin nor a photo's position places it. A pin always wins (the locator decides).
    grid = CachedGridField(label=gettext_lazy("所在网格"), queryset=Area.objects.none(), required=False,
                           to_field_name="code", widget=forms.HiddenInput,
                           error_messages={"invalid_choice": gettext_lazy(
                               "二维码中的网格已不存在，请在地图上点选问题位置。")})
    # A field people never see: robots that fill every input give themselves away.
    homepage = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off", "class": "wg-hp"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.photo_limit = public_photo_limit()
        kwargs.setdefault("attributes_url", reverse("public_cases:attributes"))
        super().__init__(*args, categories=Category.objects.public(), **kwargs)
        grid_field = self.fields["grid"]
        assert isinstance(grid_field, forms.ModelChoiceField)
        grid_field.queryset = Area.objects.active().filter(level__in=[Level.GRID, Level.MICROGRID])

    def read_category(self, categories: QuerySet[Category], pk: int) -> Category | None:
        """From the cache (``cases.choices.public_category``): the public catalog changes rarely."""
        return public_category(pk)

    def clean_reporter_phone(self) -> str:
        return clean_contact_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("anonymous"):
            cleaned["reporter_name"], cleaned["reporter_phone"] = "", ""
        elif not cleaned.get("reporter_phone") and "reporter_phone" not in self.errors:
            self.add_error("reporter_phone", _("请填写手机号码，或选择匿名反映。"))
        placed = cleaned.get("longitude") is not None or cleaned.get("grid") is not None or "grid" in self.errors
        if not placed and not cleaned.get("photos") and "location" not in self.errors:
            self.add_error("location", self.missing_place)
        return cleaned

    def photos_ready(self) -> None:
        super().photos_ready()
        cleaned = self.cleaned_data
        if cleaned.get("longitude") is None and not self.gps_point and cleaned.get("grid") is None:
            self.add_error("location", self.missing_place)

    @property
    def chosen_grid(self) -> Area | None:
        """The grid of the QR code (bound or initial), to centre the map on and name on the page."""
        field = self.fields["grid"]
        assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
        code = str(self["grid"].value() or "")
        return field.queryset.filter(code=code).first() if code.isdigit() else None

    def place_kwargs(self) -> dict[str, Any]:
        """The pin, else the photo's GPS position (the locator decides the grid), else the QR's grid."""
        place = super().place_kwargs()
        if not place and self.cleaned_data.get("grid") is not None:
            return {"grid": self.cleaned_data["grid"]}
        return place

    @property
    def missing_place(self) -> str:
        return _("请在地图上点选问题位置，或点“使用我的位置”。")

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("homepage")))

    def report_kwargs(self) -> dict[str, Any]:
        values = super().report_kwargs()
        cleaned = self.cleaned_data
        values.update(anonymous=bool(cleaned.get("anonymous")), reporter_name=cleaned.get("reporter_name", ""),
                      reporter_phone=cleaned.get("reporter_phone", ""))
        return values


# ----- the tracking page -------------------------------------------------------------------------

def normalise_code(text: str) -> str:
    """A tracking code as typed (lower case, spaces, hyphens) in its stored form."""
    return "".join(str(text or "").split()).replace("-", "").upper()


def looks_like_code(code: str) -> bool:
    return len(code) == 10 and all(char in TRACKING_ALPHABET for char in code)


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=20,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-lg text-uppercase",
                                                         "autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data.get("code", ""))
        if not looks_like_code(code):
            raise ValidationError(_("查询码是10位字母和数字，请核对后重新输入。"))
        return code


class ReporterCancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤销原因"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ReporterVerifyForm(forms.Form):
    passed = forms.TypedChoiceField(label=gettext_lazy("问题是否已解决"), coerce=lambda value: value == "yes",
                                    choices=[("yes", gettext_lazy("已解决")), ("no", gettext_lazy("未解决"))],
                                    widget=forms.RadioSelect,
                                    error_messages={"required": gettext_lazy("请选择“已解决”或“未解决”。")})
    comment = forms.CharField(label=gettext_lazy("说明"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("passed") is False and not str(cleaned.get("comment", "")).strip():
            self.add_error("comment", _("请说明还有什么问题没有解决。"))
        return cleaned


class ReporterRateForm(forms.Form):
    rating = forms.ChoiceField(label=gettext_lazy("评价"), choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": gettext_lazy("请选择评价。")})
    comment = forms.CharField(label=gettext_lazy("意见"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("rating") == Rating.DISSATISFIED and not str(cleaned.get("comment", "")).strip():
            self.add_error("comment", _("请说明不满意的原因。"))
        return cleaned
