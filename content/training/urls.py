"""Training URLs (Dutch paths), included at the root by ``portal/urls.py`` before Wagtail's
page tree. The catalogue itself (/vorming/<course>/<lesson>/) is served by Wagtail; these paths
are reserved under it (see ``models.pages.RESERVED_COURSE_SLUGS``)."""

from django.urls import path

from .views import certificates, learning, open_badges, reports, sessions

app_name = "training"

urlpatterns = [
    path("vorming/mijn/", learning.dashboard, name="dashboard"),
    path("vorming/profiel/", learning.profile, name="profile"),
    path("vorming/cursussen/<int:course_id>/inschrijven/", learning.enrol, name="enrol"),
    path(
        "vorming/lessen/<int:lesson_id>/voltooid/", learning.complete_lesson, name="complete_lesson"
    ),
    path("vorming/toetsen/<int:quiz_id>/starten/", learning.start_quiz, name="start_quiz"),
    path("vorming/pogingen/<int:attempt_id>/", learning.attempt, name="attempt"),
    path(
        "vorming/pogingen/<int:attempt_id>/resultaat/",
        learning.attempt_result,
        name="attempt_result",
    ),
    path(
        "vorming/certificaten/<str:code>/",
        certificates.certificate_detail,
        name="certificate_detail",
    ),
    path(
        "vorming/certificaten/<str:code>/attest.pdf",
        certificates.certificate_download,
        name="certificate_download",
    ),
    path(
        "vorming/certificaten/<str:code>/open-badge.json",
        open_badges.open_badge_download,
        name="open_badge_download",
    ),
    path("vorming/sessies/", sessions.session_list, name="session_list"),
    path("vorming/sessies/<int:session_id>/", sessions.session_view, name="session_detail"),
    path(
        "vorming/sessies/<int:session_id>/agenda.ics",
        sessions.session_ical_view,
        name="session_ical",
    ),
    path(
        "vorming/sessies/<int:session_id>/deelnemers/",
        sessions.session_attendees,
        name="session_attendees",
    ),
    path(
        "vorming/inschrijving/<str:token>/",
        sessions.registration_manage,
        name="registration_manage",
    ),
    path("vorming/rapport/", reports.report, name="report"),
    path("vorming/rapport/export.csv", reports.report_csv, name="report_csv"),
    path(".well-known/did.json", open_badges.did_json, name="did_document"),
    path(
        "certificaat/statuslijst/<int:number>.json",
        open_badges.status_list,
        name="open_badge_status_list",
    ),
    path("certificaat/", certificates.certificate_lookup, name="certificate_lookup"),
    path("certificaat/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
]
