from django.contrib import admin

from areas.admin_scope import ScopedAdminMixin
from participation.models import Ballot, Meeting, Proposal, Stage, StageSet, Wish


@admin.register(Wish)
class WishAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: the workflow changes a wish through its pages (participation.wishes)."""

    list_display = ["title", "area", "care_tag", "state", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "claimant_kind", "claimant_name", "claimed_at", "claim_expires_at",
                       "fulfilled_at", "confirmed_at", "published_at"]
    exclude = ["claimant_phone", "fulfilment_photo"]


@admin.register(Ballot)
class BallotAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["question", "area", "unit_kind", "rule", "state", "created_at"]
    list_filter = ["state", "rule"]
    readonly_fields = ["state", "closed_at"]


class StageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Stage
    extra = 1


@admin.register(StageSet)
class StageSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """议事规程: data; a street defines its own (e.g. 四议两公开) here."""

    list_display = ["name", "code", "is_default"]
    inlines = [StageInline]


@admin.register(Proposal)
class ProposalAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: the stages move through the proposal's page (participation.deliberation)."""

    list_display = ["title", "area", "source", "state", "stage", "created_at"]
    list_filter = ["state", "source"]
    readonly_fields = ["state", "stage", "stage_set", "source", "source_case", "implemented_at", "closed_at"]
    exclude = ["proposer_phone", "spawned_cases"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "area", "kind", "held_on", "decision"]
    list_filter = ["kind", "decision"]
    readonly_fields = ["proposal", "stage", "decision", "minuted_at"]
    exclude = ["attendees", "staff", "spawned_cases"]
