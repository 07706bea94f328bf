"""The way a resident's report becomes a case (随手拍), shared by every public way in.

``submit_public_report`` is the one path of the public report page (``/s/report/``) and of the
Open311 server (``api.open311``): the rate limit first (saved and failed reports of the same
source and phone, ``cases.ratelimit``), then the honeypot, then the form's fields, the photos
last (re-encoded without EXIF by ``cases.photos``), then ``transitions.case_report`` as
``REPORTER`` with the locator, routing and deadlines of every report. Every failure counts
against the source and the phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases import ratelimit, transitions
from cases.forms.intake import PublicReportForm
from cases.models import Case, Channel
from cases.workflow import REPORTER, ActionRefused


@dataclass
class Submission:
    """What became of one public submission: the case, or the form with its errors, or the refusal
    of the rate limit (``limited``: nothing was looked at)."""

    form: PublicReportForm
    case: Case | None = None
    refusal: str = ""

    @property
    def limited(self) -> bool:
        return bool(self.refusal)


def _save(form: PublicReportForm, key: str, channel: str, saved: Callable[[Case], Any] | None) -> Case | None:
    try:
        # ``saved`` runs in the transition's transaction: what the caller records with the case.
        return transitions.case_report(actor=REPORTER, channel=channel, source_key=key, saved=saved,
                                       **form.report_kwargs())
    except ValidationError as error:
        form.apply_errors(error)
    except ActionRefused as refused:
        form.add_error(None, refused.message)
    return None


def submit_public_report(
    *,
    key: str,
    make_form: Callable[[bool], PublicReportForm],
    phone: str,
    channel: str = Channel.RESIDENT,
    saved: Callable[[Case], Any] | None = None,
) -> Submission:
    """One public submission from the source ``key`` (``ratelimit.source_key``).

    ``make_form(with_files)`` builds the bound form (without the uploads when only the typed
    values are to be shown again); ``saved(case)`` runs inside the report's transaction.
    """
    refusal = ratelimit.report_refusal(key, phone)
    if refusal:
        return Submission(form=make_form(False), refusal=refusal)
    form = make_form(True)
    if form.is_robot:
        form = make_form(False)
        form.add_error(None, _("提交未通过校验，请刷新页面后重试。"))
    elif form.is_valid():
        case = _save(form, key, channel, saved)
        if case is not None:
            return Submission(form=form, case=case)
    ratelimit.count_failed_report(key, phone)
    return Submission(form=form)
