from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("共建共治")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from areas.public_page import register_context
        from audit.registry import register
        from cases.links import register_case_links
        from fieldwork.visit_links import register_visit_links
        from participation import models
        from participation.catalog import on_post_migrate
        from participation.convention_public import public_grid_context as convention_grid_context
        from participation.convention_selectors import convention_links_to_case
        from participation.public_views import public_grid_context
        from participation.selectors import proposal_links_to_case, wish_links_to_visit
        from participation.votelink_views import public_grid_context as ballot_results_context

        post_migrate.connect(on_post_migrate, dispatch_uid="participation-role-permissions")
        register_context("participation", public_grid_context)  # the wish wall's and 民事民提's links on /g/<code>/
        register_context("participation-ballots", ballot_results_context)  # published ballot results on /g/<code>/
        register_visit_links(wish_links_to_visit)  # 记录微心愿 from a visit record, and the wishes it gave
        register_context("conventions", convention_grid_context)  # 公约 covering the grid on /g/<code>/
        register_case_links(proposal_links_to_case)  # a case converted to a proposal, and back
        register_case_links(convention_links_to_case)  # a case noted as a breach of a convention
        # Wishes and votes keep their own timelines (WishEvent, VoteChange); the change log has the rest.
        register(models.Wish, area_code=lambda row: row.area_code, exclude=("claimant_phone",))
        register(models.Ballot, area_code=lambda row: row.area_code)
        register(models.Vote, area_code=lambda row: row.ballot.area_code)
        register(models.Proposal, area_code=lambda row: row.area_code, exclude=("proposer_phone",))
        register(models.Meeting, area_code=lambda row: row.area_code)
        register(models.Convention, area_code=lambda row: row.area_code)
        register(models.ConventionBreach, area_code=lambda row: row.convention.area_code)
        register(models.Evaluation, area_code=lambda row: row.proposal.area_code)
