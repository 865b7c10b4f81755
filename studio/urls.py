from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from studio.web.views import LoginView

# Swagger UI's script comes from a URL of its own (no inline script); its page has a <style> element.
API_DOCS = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("studio.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", API_DOCS, name="api-docs"),
    # the files each app serves to the project's members (projects/<id>/media/…), then the pages
    path("", include("studio.cast.files")),
    path("", include("studio.shots.files")),
    path("", include("studio.renders.files")),
    path("", include("studio.deliverables.files")),
    path("", include("studio.web.urls")),
]
