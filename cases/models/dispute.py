"""Disputes (矛盾纠纷): a case kind with parties, mediation sessions, an agreement and a result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from registry.fields import EncryptedCharField


class DisputeKind(models.TextChoices):
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    PROPERTY = "property", _("物业纠纷")
    TENANCY = "tenancy", _("房屋租赁纠纷")
    LABOUR = "labour", _("劳资纠纷")
    CONSUMER = "consumer", _("消费纠纷")
    OTHER = "other", _("其他纠纷")


class DisputeResult(models.TextChoices):
    PENDING = "", _("调解中")
    SUCCESS = "success", _("调解成功")
    FAILED = "failed", _("调解不成")
    REFERRED = "referred", _("转诉讼或仲裁")


class Dispute(TimeStampedModel):
    """The mediation record (调解档案) of a case whose category is a dispute."""

    case = models.OneToOneField("cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE,
                                related_name="dispute")
    kind = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeKind.choices, default=DisputeKind.OTHER)
    mediators = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), blank=True,
                                       related_name="mediated_disputes")
    other_mediators = models.CharField(_("其他调解人员"), max_length=200, blank=True)
    agreement = models.TextField(_("调解协议"), blank=True)
    result = models.CharField(_("调解结果"), max_length=10, choices=DisputeResult.choices, blank=True, default="",
                              db_index=True)
    concluded_on = models.DateField(_("调解结束日期"), null=True, blank=True)
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    follow_up_notes = models.TextField(_("回访情况"), blank=True)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = pgettext_lazy("plural", "矛盾纠纷")

    def __str__(self) -> str:
        return str(self.case)


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")


class DisputeParty(models.Model):
    """A party to a dispute (当事人), linked to the registry when they are registered there."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("姓名或名称"), max_length=100)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("登记人员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="dispute_parties",
    )

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("当事人")
        verbose_name_plural = pgettext_lazy("plural", "当事人")

    def __str__(self) -> str:
        return self.name


class MediationSession(models.Model):
    """One mediation meeting (调解过程): when, where, who, what was said."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("地点"), max_length=100)
    notes = models.TextField(_("调解记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("调解记录")
        verbose_name_plural = pgettext_lazy("plural", "调解记录")

    def __str__(self) -> str:
        return f"{self.dispute} {self.held_on}"
