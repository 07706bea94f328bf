from django.contrib import admin

from areas.admin_scope import ScopedAdminMixin
from participation.models import Ballot, Wish


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
