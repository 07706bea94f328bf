"""The scope matrix: every URL pattern × every documented role × an object in and out of scope.

``TABLE`` classifies each named URL pattern: which object fills its arguments, which permission
(docs/roles.md, ``accounts.default_roles``) lets a role reach it, and the status it answers. The
matrix then asks each pattern as each role of the test cast (all in street 1, the area
administrator on the district), with the object of grid A (in scope), of grid C (another
street) and of a grid of 二七区 (another district), and asserts:

* a role with the permission gets ``ok`` for an object in its scope and **404** outside it;
* a role without it gets ``denied`` (403, or 404 where the page only looks inside scope);
* an anonymous visitor is sent to the login page (302), except on public pages.

A pattern without an entry fails ``test_every_url_pattern_has_an_entry``: a new page must say
here who may reach it. See docs/security.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.default_roles import DEFAULT_ROLES
from api.testing import matrix_delivery, matrix_subscription
from fieldwork.testing import (
    matrix_answer,
    matrix_author,
    matrix_pairing,
    matrix_patrol,
    matrix_photo,
    matrix_rectification,
    matrix_visit,
)
from participation.testing import matrix_convention, matrix_meeting, matrix_proposal, matrix_vote_link
from tests.urlwalk import Route, named_routes
from tests.world import Site, World

ROLE_PERMISSIONS = {code: frozenset(permissions) for code, _name, _text, permissions in DEFAULT_ROLES}
ANYONE = "anyone"  # public pages: no login, no scope
SIGNED_IN = "signed in"  # any signed-in user, whatever their roles
# The sites each role's scope reaches (docs/roles.md: an assignment covers its subtree); the
# outsider has no assignment and reaches nothing.
REACH = {"superuser": {"in", "street2", "district2"}, "area_admin": {"in", "street2"}, "outsider": set()}
ROLES = ("anonymous", "outsider", "superuser", *ROLE_PERMISSIONS)
HANDLERS = frozenset({"department_handler", "property_handler"})
CASE_KINDS = frozenset({"case", "case_action", "photo", "case_photo", "dispute", "party"})
VIEW_CASES = ("cases.view_case", "cases.handle_case")  # selectors.works_on_cases
EDIT_DISPUTES = ("cases.accept_case", "cases.self_handle_case")  # docs/cases-disputes.md
# 整改清单 (docs/fieldwork.md): read where the user holds view_rectificationlist, or by the unit's
# handlers once sent to it (the site's list is sent to the site's unit: grid A's is 百花物业's).
RECTIFY_SEE = ("fieldwork.view_rectificationlist", "cases.handle_case")
RECTIFY_KINDS = frozenset({"rectification", "rectification_item", "rectification_photo"})


@dataclass(frozen=True)
class Entry:
    """How one URL pattern answers: see the module docstring."""

    kind: str | None  # which object fills the arguments (a key of KWARGS), None: no arguments
    permission: str | tuple[str, ...]  # one of these permissions, or ANYONE, or SIGNED_IN
    method: str = "get"
    ok: int = 200  # with the permission, the object in scope
    denied: int = 403  # without the permission (the object in scope)
    anonymous: int = 302  # to the login page
    outsider: int | None = None  # a user without any assignment, when not ``denied``/404
    scoped: bool = True  # False: the object is public or reached by a secret (the tracking code)
    data: tuple[tuple[str, str], ...] = ()
    # Verbs of the units a case is dispatched to (``cases.rules.WHO``): only these roles' members
    # of the site's units act (``ok``); everyone else in scope, superusers too, is ``denied``.
    unit_roles: frozenset[str] | None = None


def _public(kind: str | None = None, *, ok: int = 200, method: str = "get", **options: Any) -> Entry:
    return Entry(kind, ANYONE, method=method, ok=ok, anonymous=ok, scoped=False, **options)


def _unit_verb(roles: frozenset[str], ok: int = 400) -> Entry:
    return Entry("case", VIEW_CASES, method="post", ok=ok, anonymous=401, unit_roles=roles)


def _verb(permission: str | tuple[str, ...] = VIEW_CASES, ok: int = 409) -> Entry:
    """A workflow verb on the site's case (处置中) through the API: 409 when the state refuses it
    (whoever asks, the state is checked first), 400 for an empty body the verb needs, 403 when
    the role may not (``cases.rules.WHO``)."""
    return Entry("case", permission, method="post", ok=ok, anonymous=401)


API_VERBS: dict[str, Entry] = {
    **{verb: _verb() for verb in ("accept", "reject", "self_handle", "escalate", "dispatch", "verify", "close",
                                  "reopen", "decline_reopen", "cancel", "merge", "split", "resume",
                                  "decide_extension", "callback", "decide_cancel", "spot_check")},
    "hold": _verb("cases.accept_case", ok=400),
    "supervise": _verb("cases.supervise_case", ok=400),
    # The site's case is led by the site's property company with an assisting department.
    "feedback": _unit_verb(frozenset({"property_handler"})),
    "return": _unit_verb(frozenset({"property_handler"})),
    "request_extension": _unit_verb(HANDLERS),
    "sign": _unit_verb(frozenset({"department_handler"}), ok=200),
}

TABLE: dict[str, Entry] = {
    # --- core and accounts
    "healthz": _public(),
    # 我的待办 (everyone in the world has work; without any it redirects to the user's area); the
    # outsider is told to ask an administrator.
    "home": Entry(None, SIGNED_IN),
    "login": _public(),
    "logout": Entry(None, SIGNED_IN, method="post", ok=302),
    "set_language": _public(method="post", ok=302, data=(("language", "en"),)),
    # --- areas
    "areas:index": Entry(None, "areas.view_area", outsider=200),  # an empty tree
    "areas:import": Entry(None, "areas.manage_boundaries"),
    # JSON; without a point it answers 400, found areas are limited to the user's scope.
    "areas:locate": Entry(None, "areas.view_area", ok=400, anonymous=401, outsider=400),
    "areas:detail": Entry("area", "areas.view_area"),
    "areas:children_geojson": Entry("area", "areas.view_area"),
    "areas:board": Entry("area", "areas.view_area"),
    "areas:card": Entry("area", "areas.view_area"),
    "areas:export": Entry("area", "areas.view_area"),  # what the area pages' maps show anyway
    "public_grid": _public("area"),
    # --- audit
    "audit:changelog": Entry(None, "audit.view_changelogentry"),
    # --- registry
    "registry:search": Entry(None, "registry.view_resident"),
    "registry:export_residents": Entry(None, "registry.view_resident"),
    "registry:buildings": Entry(None, "registry.view_building"),
    "registry:export_buildings": Entry(None, "registry.view_building"),
    "registry:building_create": Entry(None, "registry.add_building"),
    "registry:building": Entry("building", "registry.view_building"),
    "registry:building_edit": Entry("building", "registry.change_building"),
    "registry:dwelling_create": Entry("building_pk", "registry.add_dwelling"),
    "registry:dwelling": Entry("dwelling", "registry.view_dwelling"),
    "registry:dwelling_edit": Entry("dwelling", "registry.change_dwelling"),
    "registry:household_create": Entry("dwelling_pk", "registry.add_household", method="post", ok=302),
    "registry:household": Entry("household", "registry.view_household"),
    "registry:household_add_member": Entry("household", "registry.change_household"),
    "registry:member_move_out": Entry("member", "registry.change_household"),
    "registry:resident_create": Entry(None, "registry.add_resident"),
    "registry:resident": Entry("resident", "registry.view_resident"),
    "registry:resident_edit": Entry("resident", "registry.change_resident"),
    "registry:resident_unmask": Entry("resident", "registry.unmask_resident", method="post"),
    "registry:access_log": Entry(None, "audit.view_accesslogentry"),
    # The upload form offers only the areas where the user may import; the templates hold no data.
    "registry:import": Entry(None, SIGNED_IN),
    "registry:import_template": Entry("import_kind", SIGNED_IN, scoped=False),
    "registry:import_job": Entry("import_job", "registry.add_resident"),
    "registry:import_status": Entry("import_job", "registry.add_resident"),
    "registry:import_commit": Entry("import_job", "registry.add_resident", method="post", ok=302),
    "registry:import_rejects": Entry("import_job", "registry.add_resident", ok=404),  # the job has no rejects
    "registry:coverage": Entry("area", "registry.view_resident"),
    "registry:coverage_panel": Entry("area", "areas.view_area"),  # empty for those who may not read it
    "registry:verify": Entry("verify", "registry.change_building", method="post", ok=302,
                             data=(("state", "verified"),)),
    # --- cases
    "cases:workbench": Entry(None, VIEW_CASES),
    "cases:bulk_dispatch": Entry(None, "cases.accept_case", method="post", ok=302),
    "cases:spot_checks": Entry(None, "cases.accept_case"),
    "cases:search": Entry(None, VIEW_CASES, method="post", ok=302),  # back to the workbench with the query
    "cases:area_panel": Entry("area", "areas.view_area"),  # empty for those who may not view cases
    "cases:case": Entry("case", VIEW_CASES),
    # An action the role may not take is refused on the case page (a redirect with the reason).
    "cases:case_action": Entry("case_action", "cases.supervise_case", method="post", ok=400, denied=302),
    "cases:report": Entry(None, "cases.report_case"),
    "cases:report_attributes": Entry(None, "cases.report_case"),
    "cases:report_links": Entry(None, "cases.report_case", method="post"),
    "cases:report_where": Entry(None, "cases.report_case"),
    "cases:report_outlines": Entry(None, "cases.report_case", ok=400),  # JSON: no bbox, no outlines
    "cases:photo": Entry("photo", VIEW_CASES),
    "cases:stats": Entry(None, ("cases.export_case", "cases.supervise_case")),
    "cases:ledger": Entry(None, "cases.export_case"),
    "cases:ledger_export": Entry(None, "cases.export_case"),
    "cases:dispute_ledger": Entry(None, "cases.export_case"),
    "cases:dispute_ledger_export": Entry(None, "cases.export_case"),
    # A background export is its owner's alone (the site's dispatcher); the file is not written yet.
    "cases:ledger_export_job": Entry("ledger_export", "cases.export_case"),
    "cases:ledger_export_status": Entry("ledger_export", "cases.export_case"),
    "cases:ledger_export_download": Entry("ledger_export", "cases.export_case", ok=404),
    "cases:dispute": Entry("dispute", VIEW_CASES),
    "cases:dispute_edit": Entry("dispute", EDIT_DISPUTES, method="post", ok=400),
    "cases:dispute_party_add": Entry("dispute", EDIT_DISPUTES, method="post", ok=400),
    "cases:dispute_party_remove": Entry("party", EDIT_DISPUTES, method="post", ok=302),
    "cases:dispute_session_add": Entry("dispute", EDIT_DISPUTES, method="post", ok=400),
    "cases:inbox": Entry(None, SIGNED_IN),
    "cases:inbox_read_all": Entry(None, SIGNED_IN, method="post", ok=302),
    "cases:inbox_open": Entry("notification", SIGNED_IN, method="post", ok=302),
    "cases:inbox_read": Entry("notification", SIGNED_IN, method="post", ok=302),
    # The calendar is one for the installation: everyone reads it, top-level admins change it.
    "cases:calendar_current": Entry(None, SIGNED_IN, ok=302),
    "cases:calendar": Entry("year", SIGNED_IN, scoped=False),
    "cases:calendar_day": Entry("day", "cases.change_calendarday", method="post", ok=400, scoped=False),
    # --- 随手拍 and tracking: public, reached by the tracking code
    "public_cases:report": _public(),
    "public_cases:attributes": _public(),
    "public_cases:where": _public(),
    "public_cases:outlines": _public(ok=400),  # JSON: no bbox, no outlines
    "public_cases:done": _public(ok=302),  # back to the form when nothing was just submitted
    "public_cases:track_lookup": _public(),
    "public_cases:track": _public("track"),
    "public_cases:photo": _public("track_photo"),
    "public_cases:track_action": _public("track_action", method="post", ok=400),
    # --- participation (共建共治, docs/participation.md)
    "participation:wish_list": Entry(None, "participation.view_wish"),
    "participation:wish_new": Entry(None, "participation.add_wish"),
    "participation:wish_figures": Entry(None, "participation.view_wish"),
    "participation:wish_detail": Entry("wish", "participation.view_wish"),
    "participation:wish_photo": Entry("wish", "participation.view_wish", ok=404),  # no photo yet
    # The verb's form is empty: 400 naming the field, for whoever may see the wish.
    "participation:wish_act": Entry("wish_action", "participation.view_wish", method="post", ok=400),
    "participation:wall_poster": Entry("area", "participation.view_wish"),
    "participation:ballot_list": Entry(None, "participation.view_ballot"),
    "participation:ballot_new": Entry(None, "participation.add_ballot"),
    "participation:ballot_detail": Entry("ballot", "participation.view_ballot"),
    "participation:ballot_sheet": Entry("ballot", "participation.view_ballot"),
    "participation:ballot_votes": Entry("ballot", "participation.view_ballot"),
    "participation:ballot_notice": Entry("ballot", "participation.view_ballot", ok=404),  # the ballot is open
    "participation:ballot_notice_docx": Entry("ballot", "participation.view_ballot", ok=404),
    "participation:vote_door": Entry("door", "participation.record_vote"),
    "participation:ballot_links": Entry("ballot", "participation.record_vote"),  # 扫码表决: issue a building's links
    "participation:ballot_close": Entry("ballot", "participation.change_ballot", method="post", ok=302),
    # The wish wall: public; a grid's address leads to its community's wall.
    "public_participation:wall": _public("area", ok=302),
    "public_participation:claim": _public("wish_token"),
    "public_votes:vote": _public("vote_token"),  # a household's link: the random token is the key
    "public_votes:results": _public("area"),  # published results of closed ballots (none here)
    # 议事 (docs/participation.md): proposals, stages, meetings, evaluation
    "participation:proposal_list": Entry(None, "participation.view_proposal"),
    "participation:proposal_new": Entry(None, "participation.add_proposal"),
    "participation:proposal_from_case": Entry("case", "participation.add_proposal"),
    "participation:proposal_detail": Entry("proposal", "participation.view_proposal"),
    # The stage form is empty: 400 naming the fields, for whoever may see the proposal.
    "participation:proposal_act": Entry("proposal_action", "participation.view_proposal", method="post", ok=400),
    "participation:meeting_list": Entry(None, "participation.view_meeting"),
    "participation:meeting_new": Entry(None, "participation.add_meeting"),
    "participation:meeting_detail": Entry("meeting", "participation.view_meeting"),
    "participation:meeting_act": Entry("meeting_action", "participation.view_meeting", method="post", ok=400),
    "participation:meeting_photo": Entry("meeting_photo", "participation.view_meeting", ok=404),  # no such photo
    "public_deliberation:propose": _public("area"),
    "public_deliberation:sign_in": _public("meeting_token"),
    "public_deliberation:evaluate": _public("proposal_token"),
    # 公约 (docs/participation.md): the site's convention is open for comments (its public page
    # answers); it is not adopted, so there is nothing to print (404). A verb without its form: 400.
    "conventions:list": Entry(None, "participation.view_convention"),
    "conventions:new": Entry(None, "participation.add_convention"),
    "conventions:detail": Entry("convention", "participation.view_convention"),
    "conventions:print": Entry("convention", "participation.view_convention", ok=404),
    "conventions:act": Entry("convention_action", "participation.view_convention", method="post", ok=400),
    "public_conventions:detail": _public("convention_token"),
    # --- fieldwork (docs/fieldwork.md). Patrols are visible where the user holds view_patrol, so
    # to anyone else a patrol (and its answers, photos, route) does not exist: 404.
    "fieldwork:today": Entry(None, ("fieldwork.view_patrol", "fieldwork.view_visit")),
    "fieldwork:start": Entry(None, SIGNED_IN, method="post", ok=404),  # no grid posted: no such grid
    "fieldwork:patrol": Entry("patrol", "fieldwork.view_patrol", denied=404),
    "fieldwork:check_in": Entry("check_in", "fieldwork.view_patrol", ok=302, denied=404),  # not their patrol
    "fieldwork:finish": Entry("patrol", "fieldwork.view_patrol", method="post", ok=302, denied=404),
    "fieldwork:location": Entry("patrol", "fieldwork.view_patrol", method="post", ok=400, denied=404),
    "fieldwork:nearest": Entry("patrol", "fieldwork.view_patrol", ok=400, denied=404),  # no position
    "fieldwork:route": Entry("patrol", "fieldwork.view_route", denied=404),
    "fieldwork:route_map": Entry("area", "fieldwork.view_route", denied=404),  # to others, routes do not exist
    "fieldwork:finding": Entry("finding", "fieldwork.view_patrol", method="post", ok=302, denied=404),
    "fieldwork:photo": Entry("field_photo", "fieldwork.view_patrol", denied=404),
    "fieldwork:building_label": Entry("building", SIGNED_IN, ok=302),  # no active patrol: to the today page
    "fieldwork:building_labels": Entry("area", ("fieldwork.add_patrol", "fieldwork.view_compliance")),
    "fieldwork:compliance": Entry("area", "fieldwork.view_compliance"),
    "fieldwork:visits_due": Entry(None, "fieldwork.view_visit"),
    "fieldwork:visit_new": Entry("visit_resident", "fieldwork.add_visit"),
    "fieldwork:visit": Entry("visit", "fieldwork.view_visit", denied=404),
    "fieldwork:visit_report": Entry("visit", "fieldwork.view_visit", method="post", ok=302, denied=404),
    # 登记信息 from a visit: an empty form goes back to the visit with the reason.
    "fieldwork:visit_registry": Entry("visit", "fieldwork.view_visit", method="post", ok=302, denied=404),
    # 新生儿、新租户 from a visit: the registry's 添加家庭成员 form, only for who may add members there.
    "fieldwork:visit_newcomer": Entry("visit_newcomer", "registry.add_householdmember", denied=404),
    "fieldwork:my_diary": Entry(None, SIGNED_IN, ok=302),
    "fieldwork:diary_add": Entry(None, SIGNED_IN, method="post", ok=302),  # refused with a message
    # A grid worker's diary: read by whoever reviews the grid (view_compliance), 404 to others.
    "fieldwork:diary": Entry("diary", "fieldwork.view_compliance", denied=404),
    "fieldwork:diary_word": Entry("diary", "fieldwork.view_compliance", denied=404),
    # The installable web app (docs/fieldwork.md, offline): the manifest and the service worker are
    # static files served by views; the sync endpoint answers 400 for an empty batch, 401 to strangers.
    "fieldwork:manifest": _public(),
    "fieldwork:service_worker": _public(),
    "fieldwork:sync": Entry(None, SIGNED_IN, method="post", ok=400, anonymous=401),
    "fieldwork:report": Entry(None, "cases.report_case"),  # the cases report form in the worker's web app
    "fieldwork:diary_excel": Entry("diary", "fieldwork.view_compliance", denied=404),
    # 点评: an empty form goes back to the diary with the reason.
    "fieldwork:diary_comment": Entry("diary", "fieldwork.view_compliance", method="post", ok=302, denied=404),
    # 结对帮扶 of a grid: for the 网格长 and community staff (add_pairing), 404 to others.
    "fieldwork:pairings": Entry("area", "fieldwork.add_pairing", denied=404),
    "fieldwork:pairing_end": Entry("pairing", "fieldwork.view_visit", method="post", ok=302, denied=404),
    "fieldwork:rectifications": Entry(None, RECTIFY_SEE),
    "fieldwork:rectification": Entry("rectification", RECTIFY_SEE, denied=404),
    "fieldwork:rectification_photo": Entry("rectification_photo", RECTIFY_SEE, denied=404),
    "fieldwork:rectification_send": Entry("rectification", RECTIFY_SEE, method="post", ok=302, denied=404),  # sent
    # Only the unit's handler may mark it done (an empty form: 400); anyone else who sees it is refused.
    "fieldwork:rectification_done": Entry("rectification_item", RECTIFY_SEE, method="post", ok=400, denied=302,
                                          unit_roles=frozenset({"property_handler"})),
    "fieldwork:rectification_reopen": Entry("rectification_item", RECTIFY_SEE, method="post", ok=302, denied=404),
    "fieldwork:rectification_from_patrol": Entry("patrol", "fieldwork.view_patrol", method="post", ok=302,
                                                 denied=404),  # no deadline: back with the reason
    "fieldwork:rectification_from_campaign": Entry("campaign", SIGNED_IN, method="post", ok=302),
    # --- the REST API (docs/api.md), through the session here: 401 without it, as for a program
    # without a token. The schema and its readers are public.
    "api:schema": _public(),
    "api:swagger": _public(),
    "api:redoc": _public(),
    "api:tokens": Entry(None, SIGNED_IN),
    "api:token_revoke": Entry("token", SIGNED_IN, method="post", ok=404, scoped=False),  # one's own only
    "api:areas": Entry(None, SIGNED_IN, anonymous=401),  # the areas in scope (none for the outsider)
    "api:area": Entry("area", SIGNED_IN, anonymous=401),
    "api:area_team": Entry("area", SIGNED_IN, anonymous=401),
    "api:organisations": Entry(None, SIGNED_IN, anonymous=401),  # those managed in the user's areas
    "api:residents": Entry(None, "registry.view_resident", anonymous=401),
    "api:statistics": Entry(None, ("cases.export_case", "cases.supervise_case"), anonymous=401),
    "api:categories": Entry(None, SIGNED_IN, anonymous=401),  # the catalog, as on the report form
    "api:cases": Entry(None, VIEW_CASES, anonymous=401),
    "api:case": Entry("case", VIEW_CASES, anonymous=401),
    "api:case_photos": Entry("case", VIEW_CASES, anonymous=401),
    "api:case_photo": Entry("case_photo", VIEW_CASES, anonymous=401),
    "api:case_dispute": Entry("dispute", VIEW_CASES, anonymous=401),
    "api:resident": Entry("resident", "registry.view_resident", anonymous=401),
    "api:resident_unmask": Entry("resident", "registry.unmask_resident", method="post", ok=400, anonymous=401),
    **{f"api:case_{verb}": entry for verb, entry in API_VERBS.items()},
    # Webhook subscriptions (docs/webhooks.md): managed where the user holds api.manage_webhook;
    # the site's subscription watches its grid.
    "api:webhooks": Entry(None, "api.manage_webhook"),
    "api:webhook_new": Entry(None, "api.manage_webhook"),
    "api:webhook": Entry("webhook", "api.manage_webhook"),
    "api:webhook_edit": Entry("webhook", "api.manage_webhook"),
    "api:webhook_disable": Entry("webhook", "api.manage_webhook", method="post", ok=302),
    "api:webhook_enable": Entry("webhook", "api.manage_webhook", method="post", ok=302),
    "api:webhook_redeliver": Entry("webhook_delivery", "api.manage_webhook", method="post", ok=302),
    # --- Open311 GeoReport v2 (docs/open311.md): public reads of public data (no personal data,
    # only public categories); a new request needs an api key, not a user (403 without one).
    "open311:discovery": _public("o311"),
    "open311:services": _public("o311"),
    "open311:service": _public("o311_service"),
    "open311:requests": _public("o311"),
    "open311:request": _public("o311_request"),
    "open311:token": _public("o311_token", ok=404),  # no request came through Open311
    "open311:updates": _public("o311"),
    "open311:media": _public("o311_media"),
    "open311:not_found": _public("o311_other", ok=404),
}

KWARGS: dict[str, Callable[[Site], dict[str, Any]]] = {
    "area": lambda site: {"code": site.grid.code},
    "building": lambda site: {"pk": site.building.pk},
    "building_pk": lambda site: {"building_pk": site.building.pk},
    "dwelling": lambda site: {"pk": site.dwelling.pk},
    "dwelling_pk": lambda site: {"dwelling_pk": site.dwelling.pk},
    "household": lambda site: {"pk": site.household.pk},
    "member": lambda site: {"pk": site.member.pk},
    "resident": lambda site: {"pk": site.resident.pk},
    "verify": lambda site: {"kind": "building", "pk": site.building.pk},
    "import_kind": lambda site: {"kind": "residents"},
    "import_job": lambda site: {"job_id": site.import_job.pk},
    "case": lambda site: {"number": site.case.number},
    "case_action": lambda site: {"number": site.case.number, "verb": "supervise"},
    "photo": lambda site: {"token": site.photo_token()},
    "case_photo": lambda site: {"number": site.case.number, "token": str(site.photo_token())},
    "dispute": lambda site: {"number": site.dispute_case.number},
    "party": lambda site: {"number": site.dispute_case.number, "party_id": site.party.pk},
    "notification": lambda site: {"pk": site.notification.pk},
    "ledger_export": lambda site: {"export_id": site.ledger_export.pk},
    "year": lambda site: {"year": 2026},
    "day": lambda site: {"day": "2026-10-01"},
    "track": lambda site: {"code": site.case.tracking_code},
    "track_photo": lambda site: {"code": site.case.tracking_code, "token": site.photo_token()},
    "track_action": lambda site: {"code": site.case.tracking_code, "verb": "rate"},
    "wish": lambda site: {"pk": site.wish.pk},
    "wish_action": lambda site: {"pk": site.wish.pk, "verb": "claim"},
    "wish_token": lambda site: {"token": site.wish.token},
    "ballot": lambda site: {"pk": site.ballot.pk},
    "door": lambda site: {"pk": site.ballot.pk, "key": f"h{site.household.pk}"},
    "vote_token": lambda site: {"token": matrix_vote_link(site.ballot, site.household)},
    "proposal": lambda site: {"pk": matrix_proposal(site.grid).pk},
    "proposal_action": lambda site: {"pk": matrix_proposal(site.grid).pk, "verb": "decide"},
    "proposal_token": lambda site: {"token": matrix_proposal(site.grid).token},
    "meeting": lambda site: {"pk": matrix_meeting(site.grid).pk},
    "meeting_action": lambda site: {"pk": matrix_meeting(site.grid).pk, "verb": "minutes"},
    "meeting_photo": lambda site: {"pk": matrix_meeting(site.grid).pk, "photo": 999_999},
    "meeting_token": lambda site: {"token": matrix_meeting(site.grid).token},
    "convention": lambda site: {"pk": matrix_convention(site.grid, site.building).pk},
    "convention_action": lambda site: {"pk": matrix_convention(site.grid, site.building).pk, "verb": "revise"},
    "convention_token": lambda site: {"token": matrix_convention(site.grid, site.building).token},
    "patrol": lambda site: {"pk": matrix_patrol(site.grid).pk},
    "visit_resident": lambda site: {"resident": site.resident.pk},
    "check_in": lambda site: {"pk": matrix_patrol(site.grid).pk, "kind": "building", "target": site.building.pk},
    "finding": lambda site: {"pk": matrix_answer(site.grid).pk, "verb": "report"},
    "field_photo": lambda site: {"token": matrix_photo(site.grid).token},
    "visit": lambda site: {"pk": matrix_visit(site.grid, site.building, site.resident, site.dispatcher).pk},
    "visit_newcomer": lambda site: {
        "pk": matrix_visit(site.grid, site.building, site.resident, site.dispatcher).pk, "kind": "newborn"},
    "diary": lambda site: {"pk": matrix_author(site.grid).pk, "year": 2026, "month": 12},
    "token": lambda site: {"pk": 999_999},
    "webhook": lambda site: {"pk": matrix_subscription(site.grid).pk},
    "webhook_delivery": lambda site: {"pk": matrix_subscription(site.grid).pk,
                                      "delivery_id": matrix_delivery(site.grid).pk},
    "rectification": lambda site: {"pk": matrix_rectification(site.grid, site.unit).pk},
    "rectification_item": lambda site: {"pk": matrix_rectification(site.grid, site.unit).items.get().pk},
    "rectification_photo": lambda site: {
        "token": matrix_rectification(site.grid, site.unit).items.get().photos.get().token},
    "campaign": lambda site: {"pk": matrix_patrol(site.grid).plan_id},
    "pairing": lambda site: {"pk": matrix_pairing(site.resident).pk},
    "o311": lambda site: {"fmt": "json"},
    "o311_service": lambda site: {"code": "t-clutter", "fmt": "xml"},
    "o311_request": lambda site: {"request_id": site.case.number, "fmt": "json"},
    "o311_token": lambda site: {"token": "0123abcd", "fmt": "xml"},
    "o311_media": lambda site: {"token": site.photo_token()},
    "o311_other": lambda site: {"rest": "nothing.json"},
}


def has_permission(role: str, permission: str | tuple[str, ...]) -> bool:
    if permission in (ANYONE, SIGNED_IN) or role == "superuser":
        return True
    wanted = (permission,) if isinstance(permission, str) else permission
    return any(name in ROLE_PERMISSIONS.get(role, frozenset()) for name in wanted)


def sees(role: str, site: str, entry: Entry) -> bool:
    """Whether the site's object lies in the role's scope (``visible_to``); pages without an object: yes."""
    if not entry.scoped or entry.kind is None:
        return True
    if entry.kind in {"notification", "ledger_export"}:  # one's own only: the site dispatcher's
        return role == "street_dispatcher" and site == "in"
    if entry.kind == "import_job":  # the importer's own jobs, and those of the areas they import into
        creator = role == "street_dispatcher" and site == "in"
        return creator or (site in REACH.get(role, {"in"}) and has_permission(role, "registry.add_resident"))
    if entry.kind in RECTIFY_KINDS:
        if role in HANDLERS:
            return site == "in" and role == "property_handler"
        return site in REACH.get(role, {"in"}) and has_permission(role, "fieldwork.view_rectificationlist")
    if role in HANDLERS and entry.kind in CASE_KINDS:  # cases dispatched to their unit: grid A's case
        return site == "in" and entry.kind not in {"dispute", "party"}
    return site in REACH.get(role, {"in"})


def expected(entry: Entry, role: str, site: str) -> int:
    """Outside scope 404 whatever the permission; inside, the permission decides."""
    if role == "anonymous":
        return entry.anonymous
    if role == "outsider" and entry.outsider is not None:
        return entry.outsider
    if not sees(role, site, entry):
        return 404
    # The job's creator reads it; committing needs the permission again.
    importer = entry.kind == "import_job" and entry.method == "get" and role == "street_dispatcher"
    if entry.unit_roles is not None:
        return entry.ok if role in entry.unit_roles else entry.denied
    return entry.ok if importer or has_permission(role, entry.permission) else entry.denied


def sites_for(role: str, entry: Entry) -> tuple[str, ...]:
    """The in-scope site and the sites outside the role's scope (for pages about an object)."""
    if entry.kind is None:
        return ("in",)
    if role in ("superuser", "anonymous"):
        return ("in", "district2")
    if role == "area_admin":
        return ("in", "street2", "district2")
    return ("in", "street2")


ROUTES = {route.name: route for route in named_routes()}


def test_every_url_pattern_has_an_entry() -> None:
    missing = sorted(set(ROUTES) - set(TABLE))
    assert not missing, f"URL patterns without a scope matrix entry (add them to TABLE): {missing}"
    stale = sorted(set(TABLE) - set(ROUTES))
    assert not stale, f"TABLE entries for patterns that no longer exist: {stale}"


def test_the_matrix_covers_every_documented_role() -> None:
    documented = {code for code, _name, _text, _permissions in DEFAULT_ROLES}
    assert documented <= set(ROLES)


def _ask(client: Client, route: Route, entry: Entry, site: Site) -> int:
    kwargs = KWARGS[entry.kind](site) if entry.kind else {}
    url = reverse(route.name, kwargs=kwargs)
    send = client.post if entry.method == "post" else client.get
    return send(url, dict(entry.data)).status_code


@pytest.mark.parametrize("name", sorted(TABLE))
def test_scope_matrix(world: World, db: None, name: str) -> None:
    if name not in ROUTES:
        pytest.fail(f"{name} is in TABLE but not a URL pattern")
    route, entry = ROUTES[name], TABLE[name]
    wrong = []
    for role, user in world.users().items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for site in sites_for(role, entry):
            cache.clear()  # rate limits start afresh
            with transaction.atomic():  # what a request changes is undone before the next
                status = _ask(client, route, entry, world.sites[site])
                transaction.set_rollback(True)
            if status != expected(entry, role, site):
                wrong.append(f"{role} @ {site}: {status}, expected {expected(entry, role, site)}")
    assert not wrong, f"{name} ({route.route}):\n" + "\n".join(wrong)


def test_a_new_open311_request_needs_an_api_key_whoever_signs_in(world: World, db: None) -> None:
    """``POST open311:requests`` acts for an api key, never for a user: a session is no key (403)."""
    wrong = []
    for role, user in world.users().items():
        client = Client()
        if user is not None:
            client.force_login(user)
        url = reverse("open311:requests", kwargs={"fmt": "json"})
        status = client.post(url, {"service_code": "t-clutter"}).status_code
        if status != 403:
            wrong.append(f"{role}: {status}")
    assert not wrong, wrong
