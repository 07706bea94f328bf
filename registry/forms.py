"""Forms of the registry pages: search, residents, buildings, dwellings, household members, unmasking.

Input is normalised before it is validated (full-width digits, stray spaces, a lower-case
``x``), every error names its field in Chinese, and choices are limited to what the user may
see. Writes go through ``registry.services``, which re-check scope in their transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.models import Area
from core.forms import BoundedDateField, PlainSelect
from registry.lookups import REGISTER, lookup_refusal, record_lookup
from registry.models import (
    Building,
    CareTag,
    DocumentType,
    Dwelling,
    Relation,
    ResidencyType,
    Resident,
    VerificationState,
)
from registry.normalise import normalise_document, normalise_name, normalise_phone, normalise_text
from registry.pii import document_index
from registry.selectors import searchable_care_tags, tag_visible, visible_grids
from registry.services import MINIMUM_REASON_LENGTH, not_registrable_message
from registry.validators import (
    ID_CARD,
    MAX_BASEMENT_FLOORS,
    MAX_FLOORS,
    MAX_UNITS,
    id_birth_date,
    id_gender,
    validate_document,
    validate_floor,
    validate_floors,
    validate_id_matches,
    validate_phone,
    validate_unit_count,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm:
    """Bootstrap classes on every widget, a "请填写<字段>。" message for missing values, and no
    ``maxlength`` on text boxes: a browser cuts a longer paste without a word, so the server says
    how long the value may be instead (``browser_max_length = True`` keeps it, for search boxes)."""

    fields: dict[str, forms.Field]
    browser_max_length = False

    def style(self) -> None:
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(field)s。") % {"field": field.label}
            field.error_messages["max_length"] = _("最多%(limit_value)d个字，现在是%(show_value)d个字。")
            if not self.browser_max_length:
                field.widget.attrs.pop("maxlength", None)
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _grid_choice(form: forms.ModelForm, user: Any) -> None:  # type: ignore[type-arg]
    """The 所属网格 field, offering the user's grids; preselected on a new record when there is only one."""
    grids = visible_grids(user)
    form.fields["grid"] = forms.ModelChoiceField(label=gettext_lazy("所属网格"), queryset=grids)
    if form.instance.pk is None and not form.initial.get("grid"):
        only = list(grids.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            form.initial["grid"] = only[0]


# --- search ----------------------------------------------------------------------------------


class ResidentSearchForm(StyledForm, forms.Form):
    """The filters of the search page; every field is optional."""

    browser_max_length = True
    q = forms.CharField(label=gettext_lazy("姓名、地址、证件号码或电话"), required=False, max_length=100)
    # PlainSelect: a district's 7,000 grids drawn one template per option took most of a search.
    tag = forms.ModelChoiceField(label=gettext_lazy("关爱标签"), queryset=CareTag.objects.none(), required=False,
                                 widget=PlainSelect)
    grid = forms.ModelChoiceField(label=gettext_lazy("网格"), queryset=Area.objects.none(), required=False,
                                  widget=PlainSelect)
    residency_type = forms.ChoiceField(label=gettext_lazy("人口类型"), required=False, widget=PlainSelect)
    verification_state = forms.ChoiceField(label=gettext_lazy("核实状态"), required=False, widget=PlainSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("全部"))]
        tags = searchable_care_tags(user)
        tag_field = self.fields["tag"]
        grid_field = self.fields["grid"]
        assert isinstance(tag_field, forms.ModelChoiceField) and isinstance(grid_field, forms.ModelChoiceField)
        tag_field.queryset = CareTag.objects.filter(pk__in=[tag.pk for tag in tags])
        grid_field.queryset = visible_grids(user)
        residency = self.fields["residency_type"]
        state = self.fields["verification_state"]
        assert isinstance(residency, forms.ChoiceField) and isinstance(state, forms.ChoiceField)
        residency.choices = everything + list(ResidencyType.choices)
        state.choices = everything + list(VerificationState.choices)
        self.style()
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm" if "control" in field.widget.attrs["class"] else \
                " form-select-sm"


class BuildingSearchForm(StyledForm, forms.Form):
    browser_max_length = True
    q = forms.CharField(label=gettext_lazy("楼栋、小区或地址"), required=False, max_length=100)
    grid = forms.ModelChoiceField(label=gettext_lazy("网格"), queryset=Area.objects.none(), required=False,
                                  widget=PlainSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grid_field = self.fields["grid"]
        assert isinstance(grid_field, forms.ModelChoiceField)
        grid_field.queryset = visible_grids(user)
        self.style()


# --- residents -------------------------------------------------------------------------------


class ResidentForm(StyledForm, forms.ModelForm):  # type: ignore[type-arg]
    """Register or edit a resident. Birth date and gender are filled from an ID card number when empty."""

    class Meta:
        model = Resident
        fields = [
            "name", "document_type", "id_number", "gender", "birth_date", "phone", "ethnicity", "political_status",
            "residency_type", "workplace", "status", "grid", "care_tags", "verification_state", "notes",
        ]
        widgets = {
            "birth_date": DATE_WIDGET,
            "care_tags": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _grid_choice(self, user)
        self.fields["gender"].required = False
        tags_field = self.fields["care_tags"]
        assert isinstance(tags_field, forms.ModelMultipleChoiceField)
        tags_field.queryset = CareTag.objects.filter(pk__in=[tag.pk for tag in searchable_care_tags(user)])
        if self.instance.pk:
            # Never put the clear values into the page: editing them means typing them anew.
            self.initial["id_number"] = ""
            self.initial["phone"] = ""
            self.fields["id_number"].help_text = _("留空表示不修改。")
            self.fields["phone"].help_text = _("留空表示不修改。")
            if self.instance.document_type == DocumentType.ID_CARD:
                # The birth date of an ID card holder is digits 7-14 of the number: shown in full
                # only when unmasked (logged). It follows the number: a new number brings its own.
                del self.fields["birth_date"]
        if "birth_date" in self.fields:
            self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.style()

    def clean_name(self) -> str:
        name = normalise_name(self.cleaned_data.get("name"))
        if not name:
            raise ValidationError(_("请填写姓名。"), code="required")
        return name

    def clean_id_number(self) -> str:
        number = normalise_document(self.cleaned_data.get("id_number"))
        if not number and self.instance.pk:
            return self.instance.id_number or ""
        if not number:
            raise ValidationError(_("请填写证件号码。"), code="required")
        validate_document(self.data.get(self.add_prefix("document_type")) or ID_CARD, number)
        return number

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone"))
        if not phone:
            return (self.instance.phone or "") if self.instance.pk else ""
        validate_phone(phone)
        return phone

    def clean_ethnicity(self) -> str:
        return normalise_text(self.cleaned_data.get("ethnicity"))

    def clean_workplace(self) -> str:
        return normalise_text(self.cleaned_data.get("workplace"))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        number = data.get("id_number")
        document_type = data.get("document_type")
        if number and document_type == DocumentType.ID_CARD and "id_number" not in self.errors:
            try:
                validate_id_matches(number, data.get("birth_date"), data.get("gender") or None)
            except ValidationError as error:
                self._add_errors(error)
            else:
                data["birth_date"] = data.get("birth_date") or id_birth_date(number)
                data["gender"] = data.get("gender") or id_gender(number)
                self.instance.birth_date = data["birth_date"]
                self.instance.gender = data["gender"]
        if not data.get("gender") and "gender" not in self.errors:
            self.add_error("gender", ValidationError(_("请填写性别。"), code="required"))
        grid = data.get("grid")
        for tag in data.get("care_tags") or []:
            if grid is not None and not tag_visible(self.user, tag, grid.code):
                self.add_error("care_tags", _("您不能在该网格使用标签“%(tag)s”。") % {"tag": tag.display_name})
        # Last, and only for a complete form with a new number: whether the number is taken is an
        # answer worth a try, so it is given only where a free number would be registered at once.
        if number and document_type and not self.errors and self._number_changed(document_type, number):
            self._check_duplicate(document_type, number)
        return data

    def _number_changed(self, document_type: str, number: str) -> bool:
        instance = self.instance
        return not (instance.pk and instance.document_type == document_type and instance.id_number == number)

    def _add_errors(self, error: ValidationError) -> None:
        for field_name, messages in error.message_dict.items():
            self.add_error(field_name if field_name in self.fields else None, messages)

    def _check_duplicate(self, document_type: str, number: str) -> None:
        """One resident per number: in the user's areas say who holds it; elsewhere refuse neutrally.

        A number that is taken is a lookup (limited and logged, ``registry.lookups``).
        """
        refusal = lookup_refusal(self.user)
        if refusal:
            self.add_error("id_number", ValidationError(refusal, code="throttled"))
            return
        other = Resident.objects.filter(id_number_index=document_index(document_type, number))
        if self.instance.pk:
            other = other.exclude(pk=self.instance.pk)
        existing = other.first()
        if existing is None:
            return
        record_lookup(actor=self.user, purpose=REGISTER, number=number, found=[existing])
        if Resident.objects.visible_to(self.user).filter(pk=existing.pk).exists():
            url = reverse("registry:resident", args=[existing.pk])
            message = format_html('{} <a href="{}">{}</a>', _("该证件号码已登记："), url, existing.name)
            self.add_error("id_number", ValidationError(message, code="duplicate"))
        else:
            self.add_error("id_number", ValidationError(not_registrable_message(), code="not_registrable"))

    def kept_hidden_tags(self) -> list[CareTag]:
        """Tags already on the resident that this user cannot see: saving must not drop them."""
        if not self.instance.pk:
            return []
        code = self.instance.grid_code
        return [tag for tag in self.instance.care_tags.all() if not tag_visible(self.user, tag, code)]


# --- buildings and dwellings -----------------------------------------------------------------


class BuildingForm(StyledForm, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Building
        fields = ["grid", "estate", "name", "address", "kind", "floors", "unit_count", "lng", "lat",
                  "verification_state"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _grid_choice(self, user)
        _bound(self.fields["floors"], validate_floors, 1, MAX_FLOORS)
        _bound(self.fields["unit_count"], validate_unit_count, 1, MAX_UNITS)
        self.style()

    def clean_name(self) -> str:
        return normalise_text(self.cleaned_data.get("name"))

    def clean_estate(self) -> str:
        return normalise_text(self.cleaned_data.get("estate"))

    def clean_address(self) -> str:
        return normalise_text(self.cleaned_data.get("address"))


def _bound(field: forms.Field, validator: Callable[[int], None], low: int, high: int) -> None:
    """A size field checked by the model's validator in the form too, with min/max for the browser."""
    field.validators.append(validator)
    field.widget.attrs.update(min=low, max=high)


class DwellingForm(StyledForm, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Dwelling
        fields = ["unit", "floor", "room", "floor_area", "use", "owner_name", "verification_state"]

    def __init__(self, *args: Any, building: Building, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.building = building
        self.instance.grid = building.grid
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = building.units.all()
        _bound(self.fields["floor"], validate_floor, -MAX_BASEMENT_FLOORS, MAX_FLOORS)
        self.style()

    def clean_room(self) -> str:
        room = normalise_text(self.cleaned_data.get("room"))
        if not room:
            raise ValidationError(_("请填写房号。"), code="required")
        return room

    def validate_unique(self) -> None:
        """Also the (building, unit, room) constraint, which the stock form skips (building is not a field)."""
        super().validate_unique()
        if "room" in self.errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError:
            self.add_error("room", _("该单元已有这个房号。"))


# --- households ------------------------------------------------------------------------------


class AddMemberForm(StyledForm, forms.Form):
    """Add a member to a household: an already registered resident by exact ID, or a new one."""

    document_type = forms.ChoiceField(label=gettext_lazy("证件类型"), choices=DocumentType.choices)
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=40)
    relation = forms.ChoiceField(label=gettext_lazy("与户主关系"), choices=Relation.choices)
    moved_in_on = BoundedDateField(label=gettext_lazy("入住日期"), required=False, widget=DATE_WIDGET)
    name = forms.CharField(label=gettext_lazy("姓名（新登记时填写）"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话（新登记时填写）"), max_length=30, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.existing: Resident | None = None
        self.style()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        document_type = data.get("document_type")
        number = normalise_document(data.get("id_number"))
        if not (document_type and number):
            return data
        try:
            validate_document(document_type, number)
        except ValidationError as error:
            self.add_error("id_number", error)
            return data
        data["id_number"] = number
        refusal = lookup_refusal(self.user)
        if refusal:
            self.add_error("id_number", refusal)
            return data
        found = Resident.objects.filter(id_number_index=document_index(document_type, number)).first()
        if found is not None and Resident.objects.visible_to(self.user).filter(pk=found.pk).exists():
            record_lookup(actor=self.user, purpose=REGISTER, number=number, found=[found])
            self.existing = found
            return data
        # Not registered, or registered outside the user's areas: the same answers until the form
        # is complete, where a free number is registered at once and a taken one refused neutrally.
        self._check_new_member(data, document_type, number)
        if found is not None and not self.errors:
            record_lookup(actor=self.user, purpose=REGISTER, number=number, found=[found])
            self.add_error("id_number", not_registrable_message())
        return data

    def _check_new_member(self, data: dict[str, Any], document_type: str, number: str) -> None:
        data["name"] = normalise_name(data.get("name"))
        if not data["name"]:
            self.add_error("name", _("该居民如尚未在您负责的区域登记，请填写姓名以新登记。"))
        phone = normalise_phone(data.get("phone"))
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as error:
                self.add_error("phone", error)
        data["phone"] = phone
        if document_type == DocumentType.ID_CARD:
            data["birth_date"], data["gender"] = id_birth_date(number), id_gender(number)


class MoveOutForm(StyledForm, forms.Form):
    moved_out_on = BoundedDateField(label=gettext_lazy("迁出日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


# --- personal data ---------------------------------------------------------------------------


class UnmaskForm(StyledForm, forms.Form):
    """Why the full ID number and phone are needed; the reason goes into the access log."""

    reason = forms.CharField(
        label=gettext_lazy("查看事由"), max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如：入户核实")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean_reason(self) -> str:
        reason = " ".join(normalise_text(self.cleaned_data.get("reason")).split())
        if len(reason) < MINIMUM_REASON_LENGTH:
            raise ValidationError(
                _("查看事由至少需要%(count)d个字。") % {"count": MINIMUM_REASON_LENGTH}, code="min_length"
            )
        return reason


class AccessLogFilterForm(StyledForm, forms.Form):
    date_from = BoundedDateField(label=gettext_lazy("开始日期"), required=False, widget=DATE_WIDGET)
    date_to = BoundedDateField(label=gettext_lazy("结束日期"), required=False, widget=DATE_WIDGET)
    user = forms.CharField(label=gettext_lazy("查看人"), required=False, max_length=150)
    reason = forms.CharField(label=gettext_lazy("事由包含"), required=False, max_length=100)
    object_id = forms.CharField(label=gettext_lazy("对象编号"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
