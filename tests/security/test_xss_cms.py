"""XSS and HTML injection through the CMS: every field an editor can fill in on every page type,
snippet and setting of the public site and the training catalogue, posted through the Wagtail
admin forms themselves (rich text as the editor's contentstate JSON, with ``javascript:`` links),
then the pages that show them opened in headless Chromium.

The models and their fields come from the admin forms Wagtail builds for them; every block type
of every StreamField is filled. ``CMS_NOT_SHOWN`` names, with the reason, the fields that are
not text on a page; every other text field must come back as text on its page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail import blocks
from wagtail.admin.panels import get_edit_handler
from wagtail.blocks.base import BlockField
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html

from .test_xss_forms import in_thread
from .xss import CORPUS, SHORT_CORPUS, Probe, normalise, pack
from .xss_plan import error_summary

CMS_APPS = ("content", "training")
# Rich text fields hold the corpus as text, plus links an editor's own client could send.
HOSTILE_LINKS = ["javascript:window.__xss=1", 'https://example.be/"><img src=x onerror=alert(7)>']
HOSTILE_URL = 'https://example.be/?"><svg/onload=alert(7)>'
HOSTILE_PATH = '/media/"><img data-xss src=x onerror=alert(6)>.mp4'
TINY = "<b onx=1>"  # for fields of ten characters: an element with an event attribute

CMS_NOT_SHOWN: dict[str, str] = {
    "slug": "a slug: letters, digits and hyphens; anything else is refused",
    "content.PartnerPage.website": "a URL: only in an href (checked for script URLs)",
    "content.SiteContactSettings.website": "a URL: only in an href",
    "content.SiteContactSettings.quick_exit_url": "a URL: only in the /snel-weg/ redirect",
    "content.SiteContactSettings.general_email": "not shown on the public pages",
    "content.ConsultPage.thank_you_text": "shown after sending; checked on ?verzonden=1",
    "training.TrainingSession.online_link": "a URL: sent to registrants only",
    "training.TrainingSession.private_address": "mailed to confirmed places only, on no page "
    "(tests/training/test_peer_support_safe.py)",
    "training.QuizPage.questions": "shown in an attempt; checked on the attempt page",
    "training.TrainingIndexPage.search_description": "the catalogue renders no meta description",
    "training.CoursePage.search_description": "the catalogue renders no meta description",
    "training.LessonPage.seo_title": "lesson pages show the page and course title",
    "training.LessonPage.search_description": "lessons are for enrolled learners: no meta",
    "training.QuizPage.seo_title": "quiz pages show the page and course title",
    "training.QuizPage.search_description": "quizzes are for enrolled learners: no meta",
}
# Shown cut short: the meta description takes 300 characters.
FIELD_LIMITS = {"search_description": 290}
# Where a snippet's or a setting's fields are shown (pages are checked on their own URL).
SHOWN_ON = {
    "content.ContactPerson": "page:content.StandardPage",
    "content.SiteContactSettings": "page:content.HelpPage",
    "training.TrainingSession": "session_detail",
}


def cms_models() -> list[tuple[type, str]]:
    """Every page type, snippet and site setting of the portal's own apps, as editors see them."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.snippets.models import get_snippet_models

    found: list[tuple[type, str]] = []
    for model in apps.get_models():
        if model._meta.app_label not in CMS_APPS:
            continue
        if issubclass(model, Page) and model.is_creatable:
            found.append((model, "page"))
        elif model in get_snippet_models():
            found.append((model, "snippet"))
        elif model in settings_registry:
            found.append((model, "setting"))
    return found


def admin_form_class(model: type, kind: str) -> type[forms.BaseForm]:
    if kind == "page":
        return model.get_edit_handler().get_form_class()
    if kind == "snippet":
        return model.snippet_viewset.get_edit_handler().get_form_class()
    return get_edit_handler(model).get_form_class()


def cms_text_fields(model: type, kind: str) -> dict[str, forms.Field]:
    form_class = admin_form_class(model, kind)
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField | BlockField)
    }


def _not_shown(model: type, name: str) -> bool:
    return name in CMS_NOT_SHOWN or f"{model._meta.label}.{name}" in CMS_NOT_SHOWN


def test_every_cms_model_and_field_is_in_the_plan() -> None:
    models = cms_models()
    labels = {m._meta.label for m, _kind in models}
    assert {"content.StandardPage", "training.QuizPage", "content.ContactPerson"} <= labels
    assert "content.SiteContactSettings" in labels and "training.TrainingSession" in labels
    fields = {f"{m._meta.label}.{name}" for m, kind in models for name in cms_text_fields(m, kind)}
    stale = [key for key in CMS_NOT_SHOWN if "." in key and key not in fields]
    assert stale == [], "CMS_NOT_SHOWN names fields that no longer exist"
    for model, kind in models:
        if kind != "page":
            assert model._meta.label in SHOWN_ON, f"{model._meta.label}: where is it shown?"
    assert len(fields) >= 60


# --- form data for the Wagtail admin ------------------------------------------------------


def contentstate(text: str) -> str:
    """The Draftail editor's JSON for ``text``, with a javascript: link and a link that tries
    to leave its attribute over the first characters (what a hostile client can send)."""
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        # Wagtail drops a link (and its text) where the field has no link feature: the links
        # go over a prefix of their own, the corpus after it must always arrive.
        "text": f"ab cd {text}",
        "inlineStyleRanges": [{"offset": 0, "length": 3, "style": "BOLD"}],
        "entityRanges": [
            {"offset": 0, "length": 2, "key": 0},
            {"offset": 3, "length": 2, "key": 1},
        ],
        "data": {},
    }
    entity_map = {
        str(i): {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link}}
        for i, link in enumerate(HOSTILE_LINKS)
    }
    return json.dumps({"blocks": [block], "entityMap": entity_map})


class Filler:
    """Text for each field: as much of the corpus as fits, a different part per page type, so
    the fields every page type shares (title, SEO title, introduction, body) see all of it."""

    def __init__(self, choosers: dict[type, int]) -> None:
        self.choosers = choosers
        self.turn = 0
        self.shown: list[str] = []
        self._tags: dict[str, str] = {}

    def text(self, max_length: int | None, name: str, shown: bool = True) -> str:
        tag = self._tags.setdefault(name, f"[{len(self._tags) + 1}]")
        try:
            chunks = pack(max_length, tag)
        except ValueError:  # a short field: the short payloads that fit, without a tag
            fits = [p for p in SHORT_CORPUS if len(p) <= (max_length or 0)] or [TINY]
            chunks = pack(max_length, "", fits)
        value = chunks[self.turn % len(chunks)]
        if shown:
            self.shown.append(value)
        return value

    def block(self, block: blocks.Block, tag: str, position: int = 0) -> Any:
        """Form data for ``block`` (nested, for ``nested_form_data``)."""
        if isinstance(block, blocks.StreamBlock):
            items = {}
            for index, (name, child) in enumerate(block.child_blocks.items()):
                items[str(index)] = {
                    "type": name,
                    "value": self.block(child, f"{tag}.{name}"),
                    "deleted": "",
                    "order": str(index),
                    "id": "",
                }
            return {**items, "count": str(len(items))}
        if isinstance(block, blocks.ListBlock):
            count = max(2, getattr(block.meta, "min_num", None) or 0)
            return {
                **{
                    str(i): {
                        "value": self.block(block.child_block, f"{tag}.{i}", position=i),
                        "deleted": "",
                        "order": str(i),
                        "id": "",
                    }
                    for i in range(count)
                },
                "count": str(count),
            }
        if isinstance(block, blocks.StructBlock):
            return {
                name: self.block(child, f"{tag}.{name}", position)
                for name, child in block.child_blocks.items()
            }
        if isinstance(block, blocks.RichTextBlock):
            return contentstate(self.text(None, tag))
        if isinstance(block, ImageChooserBlock | DocumentChooserBlock | SnippetChooserBlock):
            target = block.model_class
            if isinstance(target, str):
                target = apps.get_model(target)
            return str(self.choosers[target])
        if isinstance(block, blocks.PageChooserBlock):
            return ""
        if isinstance(block, blocks.URLBlock):
            return HOSTILE_URL
        if isinstance(block, blocks.BooleanBlock):
            return "on" if position == 0 else ""  # one right answer per question
        if isinstance(block, blocks.ChoiceBlock):
            return str(block.field.choices[-1][0] or block.field.choices[0][0])
        if isinstance(block, blocks.CharBlock | blocks.TextBlock):
            if tag.endswith("_path"):
                return HOSTILE_PATH
            return self.text(getattr(block.field, "max_length", None), tag)
        raise AssertionError(f"no hostile value for {type(block).__name__} at {tag}")


# --- the test ------------------------------------------------------------------------------


def _upload_hostile_media(admin: Client) -> tuple[Any, Any]:
    """Documents and images are uploaded by editors too: hostile titles, through the admin."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    png = _png()
    hostile_title = '<img data-xss src=x onerror="window.__xss=1"> brochure'
    response = admin.post(
        reverse("wagtaildocs:add"),
        {
            "title": hostile_title,
            "file": SimpleUploadedFile("brochure.pdf", b"%PDF-1.4\n%fictief\n"),
        },
    )
    assert response.status_code == 302, error_summary(response)
    response = admin.post(
        reverse("wagtailimages:add"),
        {"title": hostile_title, "file": SimpleUploadedFile("beeld.png", png)},
    )
    assert response.status_code == 302, error_summary(response)
    return get_document_model().objects.get(), get_image_model().objects.get()


def _fill(
    filler: Filler, expected: dict[str, list[str]], model: type, kind: str, base: dict[str, Any]
) -> dict[str, Any]:
    """The admin form data of ``model`` with hostile text in every text field; what a page will
    show of it is added to ``expected`` under that page's label."""
    label = model._meta.label
    data = dict(base)
    shown_before = len(filler.shown)
    for name, field in cms_text_fields(model, kind).items():
        if name == "slug":
            continue
        shown = not _not_shown(model, name)
        if isinstance(field, BlockField):
            data[name] = filler.block(field.block, f"{label}.{name}")
            if not shown:
                del filler.shown[shown_before:]
        elif isinstance(field, forms.URLField):
            data[name] = HOSTILE_URL
        elif isinstance(field, forms.EmailField):
            data[name] = '"<svg/onload=window.__xss=1>"@example.be'
        elif "Draftail" in type(field.widget).__name__:
            data[name] = contentstate(filler.text(None, f"{label}.{name}", shown))
        else:
            limit = FIELD_LIMITS.get(name, field.max_length)
            data[name] = filler.text(limit, f"{label}.{name}", shown)
    page_label = SHOWN_ON.get(label, f"page:{label}")
    expected.setdefault(page_label, []).extend(filler.shown[shown_before:])
    filler.turn += 1
    return nested_form_data(data)


def _add_snippets_and_settings(
    admin: Client, models: list[Any], home: Any, fill: Callable[..., Any], post: Callable[..., None]
) -> None:
    """Every snippet added and every setting saved through the admin, with hostile text."""
    from content.training.models import TrainingSession

    for model, kind in models:
        if kind == "snippet":
            add = reverse(model.snippet_viewset.get_url_name("add"))
            base = dict(querydict_from_html(admin.get(add).content.decode()).items())
            if model is TrainingSession:
                base |= {
                    "kind": "peer_support",
                    "starts_at": "2030-01-10 10:00",
                    "ends_at": "2030-01-10 12:00",
                    "capacity": "10",
                    "training_hours": "2",
                }
            post(add, fill(model, kind, base), model._meta.label)
        elif kind == "setting":
            edit = reverse(
                "wagtailsettings:edit",
                args=[model._meta.app_label, model._meta.model_name, home.get_site().pk],
            )
            base = dict(querydict_from_html(admin.get(edit).content.decode()).items())
            post(edit, fill(model, kind, base), model._meta.label)


def _add_every_page(
    admin: Client,
    waiting: list[Any],
    created: dict[str, Any],
    fill: Callable[..., Any],
    post: Callable[..., None],
) -> None:
    """Every other page type added and published under a parent it allows (into ``created``)."""
    while waiting:
        progress = False
        for model in list(waiting):
            parents = [
                p
                for p in created.values()
                if type(p) in model.allowed_parent_page_models()
                and model in type(p).allowed_subpage_models()
            ]
            if not parents:
                continue
            parent = parents[0]
            add = reverse(
                "wagtailadmin_pages:add",
                args=[model._meta.app_label, model._meta.model_name, parent.pk],
            )
            base = dict(querydict_from_html(admin.get(add).content.decode(), "page-edit-form"))
            base = {k: v[-1] if isinstance(v, list) else v for k, v in base.items()}
            slug = model._meta.model_name
            extra = {"slug": slug, "action-publish": "1"}
            if model._meta.label == "content.PartnerPage":
                extra["sector"] = "police"
            if model._meta.label == "content.EventPage":
                extra |= {
                    "kind": "training",
                    "start": "2030-02-01 10:00",
                    "end": "2030-02-01 12:00",
                }
            if model._meta.label == "training.CoursePage":
                extra |= {"training_hours": "2"}
            post(add, fill(model, "page", base | extra), model._meta.label)
            created[model._meta.label] = model.objects.get(slug=slug)
            waiting.remove(model)
            progress = True
        assert progress, f"no parent for {[m.__name__ for m in waiting]}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cms_fields_show_hostile_text_as_text(
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    browser: Any,
    asgi_server: str,
) -> None:
    from wagtail.models import Collection

    from content.demo import ensure_home_page
    from content.models import ContactPerson
    from content.training.models import TrainingSession
    from content.training.services.learning import enrolment_create
    from content.training.services.quizzes import attempt_start

    home = ensure_home_page()
    # A flush between transactional tests also empties what Wagtail's migrations made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    admin = verified_client(make_user(is_staff=True, is_superuser=True, email="cms@test.example"))

    # Documents and images are uploaded by editors too: hostile titles, through the admin.
    document, image = _upload_hostile_media(admin)

    models = cms_models()
    filler = Filler({type(document): document.pk, type(image): image.pk})
    expected: dict[str, list[str]] = {}
    created: dict[str, Any] = {}

    def fill(model: type, kind: str, base: dict[str, Any]) -> dict[str, Any]:
        return _fill(filler, expected, model, kind, base)

    def post(path: str, data: dict[str, Any], what: str) -> None:
        response = admin.post(path, data)
        assert response.status_code == 302, (what, response.status_code, admin_errors(response))

    # Snippets and settings first: pages show them.
    _add_snippets_and_settings(admin, models, home, fill, post)
    filler.choosers[ContactPerson] = ContactPerson.objects.get().pk

    # Pages: the home page edited, every other type added under a parent it allows.
    pages = [m for m, kind in models if kind == "page"]
    home_model = type(home.specific)
    edit = reverse("wagtailadmin_pages:edit", args=[home.pk])
    base = dict(querydict_from_html(admin.get(edit).content.decode(), "page-edit-form").items())
    post(edit, fill(home_model, "page", base | {"action-publish": "1"}), "home")
    created[home_model._meta.label] = Page.objects.get(pk=home.pk).specific
    _add_every_page(admin, [m for m in pages if m is not home_model], created, fill, post)

    # Lessons and quizzes are shown to enrolled learners only; the quiz's questions (fed
    # above through the admin) appear in an attempt, their feedback after it.
    from tests.factories.courses import answers_for

    learner = make_user(email="lerende@test.example", full_name="Fien Fictief")
    learner_client = Client()
    learner_client.force_login(learner)
    quiz = created["training.QuizPage"]
    course = quiz.get_parent().specific
    enrolment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    strings = [(k, t) for q in attempt.questions for k, t in _strings(q)]
    texts = [t for k, t in strings if not k.startswith("feedback") and "[" in t]
    feedback = [t for k, t in strings if k.startswith("feedback") and t]
    learner_only = {"training.LessonPage", "training.QuizPage"}

    probe = Probe(browser, asgi_server)
    try:
        for label, page in created.items():
            if label not in learner_only:
                expect = expected.get(f"page:{label}", [])
                probe.visit(page.url, label=f"page:{label}", expect=expect)
        consult = created["content.ConsultPage"]
        probe.visit(f"{consult.url}?verzonden=1", label="consult sent")
        session = TrainingSession.objects.get()
        probe.visit(
            reverse("training:session_detail", args=[session.pk]),
            label="session_detail",
            expect=expected["session_detail"],
        )
        probe.visit(reverse("training:session_list"), label="session_list")
        probe.visit("/zoeken/?q=brochure", label="search")
        probe.sign_in(learner_client.cookies["vh_session"].value)
        for label in sorted(learner_only):
            page = created[label]
            probe.visit(page.url, label=f"page:{label}", expect=expected.get(f"page:{label}", []))
        attempt_url = reverse("training:attempt", args=[attempt.pk])
        probe.visit(attempt_url, label="attempt", expect=texts)
        in_thread(lambda: learner_client.post(attempt_url, answers_for(attempt, right=False)))
        result = probe.visit(reverse("training:attempt_result", args=[attempt.pk]), label="result")
        shown_feedback = [t for t in feedback if normalise(t) in result]
        problems, visited = list(probe.problems), list(probe.visited)
    finally:
        probe.close()

    assert problems == [], "\n".join(problems)
    assert len(visited) >= len(created) + 4
    assert sum(len(v) for v in expected.values()) >= 100
    # every payload reached at least one page as text
    everything = normalise(" ".join(v for values in expected.values() for v in values))
    assert all(normalise(p) in everything for p in CORPUS)
    assert shown_feedback, "the result page shows no feedback text"


def admin_errors(response: Any) -> str:
    """The Wagtail admin's field errors, for assertion messages."""
    import re

    body = response.content.decode(errors="replace")
    found = re.findall(
        r'(?:id="([^"]*)-errors"|class="error-message")[^>]*>(.*?)</(?:div|p|span)>', body, re.S
    )
    text = " | ".join(
        f"{name}: {re.sub(r'<[^>]+>', ' ', message)}"
        for name, message in found
        if re.sub(r"<[^>]+>|\s", "", message)
    )
    return re.sub(r"\s+", " ", text)[:2000] or error_summary(response)


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    """(key, text) for every string in a question snapshot."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []
