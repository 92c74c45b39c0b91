from django.urls import path

from egov.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.province_list, name="province_list"),
    path("units/resolve/", views.unit_resolve, name="unit_resolve"),
    path("units/<str:code>/", views.province_detail, name="province_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
