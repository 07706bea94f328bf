from django.urls import URLPattern, URLResolver, path

from participation import deliberation_views, views, votelink_views

app_name = "participation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/figures/", views.wish_figures, name="wish_figures"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/photo/", views.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<str:verb>/", views.wish_act, name="wish_act"),
    path("wall/<str:code>/poster/", views.wall_poster, name="wall_poster"),
    path("ballots/", views.ballot_list, name="ballot_list"),
    path("ballots/new/", views.ballot_new, name="ballot_new"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/door/<str:key>/", views.vote_door, name="vote_door"),
    path("ballots/<int:pk>/close/", views.ballot_close, name="ballot_close"),
    path("ballots/<int:pk>/sheet.docx", views.ballot_sheet, name="ballot_sheet"),
    path("ballots/<int:pk>/votes.xlsx", views.ballot_votes, name="ballot_votes"),
    path("ballots/<int:pk>/notice/", views.ballot_notice, name="ballot_notice"),
    path("ballots/<int:pk>/notice.docx", views.ballot_notice_docx, name="ballot_notice_docx"),
    path("ballots/<int:pk>/links/", votelink_views.ballot_links, name="ballot_links"),  # 扫码表决
    # 议事 (docs/participation.md)
    path("proposals/", deliberation_views.proposal_list, name="proposal_list"),
    path("proposals/new/", deliberation_views.proposal_new, name="proposal_new"),
    path("proposals/from-case/<str:number>/", deliberation_views.proposal_from_case, name="proposal_from_case"),
    path("proposals/<int:pk>/", deliberation_views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/<str:verb>/", deliberation_views.proposal_act, name="proposal_act"),
    path("meetings/", deliberation_views.meeting_list, name="meeting_list"),
    path("meetings/new/", deliberation_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", deliberation_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/photos/<int:photo>/", deliberation_views.meeting_photo, name="meeting_photo"),
    path("meetings/<int:pk>/<str:verb>/", deliberation_views.meeting_act, name="meeting_act"),
]
