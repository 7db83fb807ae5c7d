"""Lesson blocks render accessibly; the dashboard keeps a fixed number of queries; long
names fit on the certificate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.training.blocks import VideoBlock
from content.training.models import Certificate, Enrolment, LessonPage
from content.training.pdf import certificate_pdf
from tests.factories.courses import publish, stream

pytestmark = pytest.mark.django_db


def test_video_needs_same_site_files_captions_and_transcript() -> None:
    block = VideoBlock()
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {
                    "title": "Inleiding",
                    "video_path": "https://cdn.example/v.mp4",
                    "captions_path": "/media/v.vtt",
                    "transcript": "<p>Tekst</p>",
                }
            )
        )
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {
                    "title": "Inleiding",
                    "video_path": "/media/v.mp4",
                    "captions_path": "/media/v.vtt",
                    "transcript": "",
                }
            )
        )


def test_lesson_renders_video_with_captions_transcript_vignette_and_reflection(
    make_course, learner_client
) -> None:
    course = make_course(lessons=0, quiz=False)
    lesson = publish(
        course,
        LessonPage(
            title="Les met video",
            slug="video",
            body=stream(
                [
                    (
                        "video",
                        {
                            "title": "Wat is IFG?",
                            "video_path": "/media/vorming/ifg.mp4",
                            "captions_path": "/media/vorming/ifg.vtt",
                            "transcript": "<p>Het transcript.</p>",
                        },
                    ),
                    (
                        "vignette",
                        {
                            "title": "Mila",
                            "situation": "<p>Fictief.</p>",
                            "questions": ["Wat ziet u?"],
                        },
                    ),
                    ("reflection", {"question": "Wat doet u?", "guidance": "<p>Denk na.</p>"}),
                ]
            ),
        ),
    )
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    html = learner_client.get(lesson.url).content.decode()
    assert '<track kind="captions" src="/media/vorming/ifg.vtt" srclang="nl"' in html
    assert "Het transcript." in html and "<summary>Transcript</summary>" in html
    assert "Casus: Mila" in html and "Wat ziet u?" in html
    assert "Reflectie" in html and "Denk na." in html


def _completed_with_certificate(make_course, learner) -> None:
    course = make_course(lessons=1, quiz=False)
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    Certificate.objects.create(
        code=f"VH-TEST-{course.pk:04d}-0000",
        enrolment=enrolment,
        user=learner,
        learner_name="Fien",
        course_title=course.title,
        training_hours=Decimal("1"),
    )


def test_dashboard_query_count_does_not_grow(make_course, learner, learner_client) -> None:
    url = reverse("training:dashboard")
    _completed_with_certificate(make_course, learner)
    learner_client.get(url)  # warm Wagtail's site-root cache, as any earlier page view does
    with CaptureQueriesContext(connection) as few:
        assert learner_client.get(url).status_code == 200
    for _ in range(4):
        _completed_with_certificate(make_course, learner)
    with CaptureQueriesContext(connection) as many:
        html = learner_client.get(url).content.decode()
    # Each certificate is listed once. Count its page's link exactly: the Open Badge download
    # beside it lives under the same /vorming/certificaten/<code>/ prefix.
    codes = list(Certificate.objects.filter(user=learner).values_list("code", flat=True))
    assert len(codes) == 5
    for code in codes:
        assert html.count(f'href="{reverse("training:certificate_detail", args=[code])}"') == 1
    assert len(many) == len(few)


def test_long_names_still_make_a_pdf() -> None:
    certificate = Certificate(
        code="VH-AAAA-BBBB-CCCC",
        learner_name="Marie-Christine Van den Broecke-De Wilde " * 3,
        course_title="Intensieve casusregie in de ketenaanpak intrafamiliaal geweld " * 4,
        training_hours=Decimal("1.5"),
        issued_at=timezone.now(),
    )
    assert certificate_pdf(certificate, verify_url="https://x.example/c/").startswith(b"%PDF-")
