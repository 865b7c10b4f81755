"""The studio's routes and one that fails, for the tests of the 500 page."""

from django.urls import path

from studio.urls import urlpatterns as studio_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *studio_urlpatterns]
