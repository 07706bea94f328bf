"""Household voting by link/QR (扫码表决): a unit's one-time link and the SMS codes sent for it.

A ``VoteLink`` belongs to one unit of a ballot (a household, or a dwelling for owners' votes),
like a ``Vote``. Its token is random and kept only as a SHA-256 hash: the plain token exists in
the printed slip's QR code and nowhere else; issuing again replaces it (the old slip stops
working). A ``VoteCode`` is one 6-digit code texted to the phone registered for a member of the
household (or the owner); it is kept as a keyed hash, expires and allows a few attempts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.models import Dwelling, Household, Resident


class VoteLink(models.Model):
    """扫码表决链接: the link (and QR slip) of one unit of a ballot."""

    ballot = models.ForeignKey("participation.Ballot", verbose_name=_("表决"), on_delete=models.CASCADE,
                               related_name="links")
    dwelling = models.ForeignKey(Dwelling, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)

    class Meta:
        ordering = ["ballot", "dwelling"]
        verbose_name = _("扫码表决链接")
        verbose_name_plural = pgettext_lazy("plural", "扫码表决链接")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "household"], condition=Q(household__isnull=False),
                                    name="vote_link_one_per_household"),
            models.UniqueConstraint(fields=["ballot", "dwelling"], condition=Q(household__isnull=True),
                                    name="vote_link_one_per_dwelling"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} · {self.dwelling}"


class VoteCode(models.Model):
    """短信验证码: one code texted for a link to the phone of ``resident`` (never stored here)."""

    link = models.ForeignKey(VoteLink, verbose_name=_("扫码表决链接"), on_delete=models.CASCADE,
                             related_name="codes")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, editable=False)
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("有效期至"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("短信验证码")
        verbose_name_plural = pgettext_lazy("plural", "短信验证码")

    def __str__(self) -> str:
        return f"{self.link} · {self.sent_at:%Y-%m-%d %H:%M}"
