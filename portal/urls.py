"""URL map. Dutch paths for users; ``SECOND_FACTOR_PROTECTED_PREFIXES`` in settings names the
areas the second-factor gate guards (collaboration, Wagtail admin, Django admin, audit)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from collaboration import urls_audit_area
from content.quick_exit import leave as quick_exit
from portal.accounts.urls import two_factor_urlpatterns
from portal.accounts.views import FrontEndSignInRedirectView
from portal.audit import urls as audit_urls


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer and docker-compose; touches nothing."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # "Snel weg": ends the session, Clear-Site-Data, then the neutral site (content/quick_exit.py).
    path("snel-weg/", quick_exit, name="quick_exit"),
    path("account/", include((two_factor_urlpatterns, "two_factor"))),
    path("account/", include("portal.accounts.urls")),
    path("samenwerking/", include("collaboration.urls")),
    path("samenwerking/overleg/", include("collaboration.live_notes.urls")),
    # One ``audit`` namespace: the trail (ground floor) and the case-specific pages of the audit
    # area (subject access, retention), which are collaboration's.
    path(
        "audit/",
        include(
            (
                [*audit_urls.urlpatterns, *urls_audit_area.urlpatterns],
                audit_urls.app_name,
            )
        ),
    ),
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documenten/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("content.training.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The public site last: robots.txt and the sitemap at the root, then search and Wagtail's page
# tree per language (Dutch without prefix, English under /en/); the tree answers every other path.
urlpatterns.append(path("", include("content.urls")))
urlpatterns += i18n_patterns(
    # Wagtail's front-end login under every language prefix is a password-only login view:
    # shadowed, so every sign-in is the two-step one (tests/security/test_login_routes.py).
    path("_util/login/", FrontEndSignInRedirectView.as_view(), name="wagtailcore_login"),
    path("", include("content.urls_localised")),
    prefix_default_language=False,
)

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
