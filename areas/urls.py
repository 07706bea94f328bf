from django.urls import URLPattern, URLResolver, path

from areas import boundary_views, views

app_name = "areas"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.area_index, name="index"),
    path("import/", boundary_views.boundary_import, name="import"),
    path("locate/", boundary_views.locate, name="locate"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/children.geojson", views.children_geojson, name="children_geojson"),
    path("<str:code>/board/", views.grid_board, name="board"),
    path("<str:code>/card/", views.contact_card, name="card"),
    path("<str:code>/boundaries.geojson", boundary_views.boundary_export, name="export"),
]
