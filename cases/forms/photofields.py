"""Photo uploads in the case forms: cheap checks while the fields clean, images only at the end.

A ``PhotosField`` cleans to the list of uploads after counting and sizing them
(``cases.photos.check_uploads``); no image is opened. A ``PhotoForm`` then prepares all its photo
fields together (``cases.photos.prepare_photo_groups``: headers, per-image and per-submission
pixel limits, decoding in a bounded child process) — and only when every other field is valid,
so a submission that fails on a cheap field (a missing description, a bad phone, an unknown
category) costs no image work at all. The prepared ``Photo`` lists replace the uploads in
``cleaned_data``; the uploads stay in ``photo_uploads`` (for their GPS position).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from cases.photos import check_uploads, prepare_photo_groups


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several image uploads, at most ``limit`` (a number, or a function reading a setting)."""

    widget = MultipleFileInput

    def __init__(self, *, limit: int | Callable[[], int], **kwargs: Any) -> None:
        self._limit = limit
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})
        if isinstance(limit, int):
            self.widget.attrs["data-limit"] = str(limit)

    @property
    def limit(self) -> int:
        return self._limit if isinstance(self._limit, int) else self._limit()

    def clean(self, value: Any) -> list[UploadedFile]:
        uploads = list(value) if isinstance(value, list | tuple) else ([value] if value else [])
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return check_uploads(uploads, limit=self.limit)


class PhotoForm(forms.Form):
    """A form whose photo fields are prepared after everything else is valid."""

    photo_uploads: dict[str, list[UploadedFile]]

    def full_clean(self) -> None:
        super().full_clean()
        self.photo_uploads = {}
        cleaned = getattr(self, "cleaned_data", None)  # unbound forms have none
        names = [name for name, field in self.fields.items()
                 if isinstance(field, PhotosField) and cleaned is not None and name in cleaned]
        if self.errors or not names:
            return
        self.photo_uploads = {name: list(self.cleaned_data[name]) for name in names}
        try:
            photos = prepare_photo_groups(self.photo_uploads)
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                self.add_error(name, errors)
            return
        self.cleaned_data.update(photos)
        self.photos_ready()

    def photos_ready(self) -> None:
        """Checks that need the prepared photos (subclasses); add errors with ``add_error``."""
