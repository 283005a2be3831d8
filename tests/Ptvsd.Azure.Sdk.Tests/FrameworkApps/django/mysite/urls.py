"""mysite URL configuration: startproject's admin route, and the matrix's view at the site root."""

from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.hello),
]
