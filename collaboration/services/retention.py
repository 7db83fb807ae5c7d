"""Retention: what happens to everything about a case once its period is over.

One registry, ``RETENTION``, names every model linked to a case, in every app, and what
retention does with it: scrub named fields (the row stays as the pseudonymous skeleton that
statistics need), delete the rows (and their files), or keep them; each with its reason.

Which models are linked is not written down by hand: ``case_linked_models`` walks the relations
of every installed model from ``Case`` (foreign keys, one-to-ones and many-to-manys, in both
directions, transitively) and adds the generic pointers (a content type plus an object id, such
as django-auditlog's change history), which can point at any row. A test fails when a linked
model is missing from the registry, so a new model cannot slip past. The walk stops at the
models many cases share (people who sign in, organisations: ``Treatment.SHARED``); a generic
pointer is linked, but the walk does not continue through it (what points at a log entry is
not about the row the log entry points at).

Field values are overwritten with ``QuerySet.update`` and rows deleted with django-auditlog
switched off, so anonymising writes no new history holding the old values; the existing history
of every row of the case, kept models' rows included, loses its values afterwards. Files of
deleted rows are removed once the transaction commits (a rolled-back run keeps rows and files
together); a file left behind anyway is removed by the orphan sweeper (``sweep_orphaned_files``).
Our own audit trail holds no content and stays whole.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import logging
import os
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import disable_auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..models import Case, ConsultRequest, Referral
from ..selectors.final_records import DECIDED, DECISION_HASH_KEY, referral_decision_sha256
from ..storage import CaseDocumentStorage

logger = logging.getLogger(__name__)

REDACTED = "[geanonimiseerd]"
EMPTY_YJS_UPDATE = b"\x00\x00"  # a Yjs update with nothing in it (live_notes.document)
CASE_LABEL = "collaboration.Case"
_CHUNK = 500  # ids per IN (...): SQLite's variable limit


class Treatment(enum.StrEnum):
    SCRUB = "scrub"  # overwrite the named fields; the row stays
    DELETE = "delete"  # delete the rows (their files after commit)
    KEEP = "keep"  # keep as it is; the reason says why that is no data about the family
    SHARED = "shared"  # shared by many cases (people, organisations): kept, the walk stops here


@dataclass(frozen=True)
class Rule:
    """What retention does with one model.

    ``paths`` are lookups from the model to the case's primary key (a row belongs to the case
    when any of them matches). A generic pointer has ``pointer`` instead: the names of its
    content-type and object-id fields. ``kept_fields`` names the text, binary and JSON fields
    of a scrubbed model that stay, with the reason. ``values`` replaces the default overwrite
    (``REDACTED``, empty bytes, empty JSON) for fields that need a specific value.
    """

    treatment: Treatment
    reason: str
    paths: tuple[str, ...] = ()
    scrub: tuple[str, ...] = ()
    kept_fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    pointer: tuple[str, str] | None = None


REFERRAL_TEXT = (
    "family_composition",
    "criterion_complexity",
    "criterion_multiple_domains",
    "criterion_stuck_help",
    "services_involved",
    "decline_reason",
    "decline_advice",
)
CONSULT_TEXT = ("name", "organisation", "email", "phone", "question", "answer")


@functools.cache
def redacted_minutes_html() -> str:
    return f"<p>{REDACTED}</p>"


@functools.cache
def redacted_minutes_pdf() -> bytes:
    """A one-line PDF in place of the minutes, so the download still answers with a PDF."""
    from .minutes import minutes_pdf

    return minutes_pdf(title="Verslag", lines=[REDACTED])


def _sha256_text(value: Callable[[], str]) -> Callable[[], str]:
    return lambda: hashlib.sha256(value().encode()).hexdigest()


def _sha256_bytes(value: Callable[[], bytes]) -> Callable[[], str]:
    return lambda: hashlib.sha256(value()).hexdigest()


_WAGTAIL_ONLY = (
    "a generic pointer Wagtail writes only for its own content (pages, snippets, images, "
    "documents, workflows); no case model is registered with Wagtail, so no row points at case "
    "data (the retention test searches these tables too)"
)
_WAGTAIL_POINTERS = (
    "wagtailcore.ModelLogEntry",
    "wagtailcore.Revision",
    "wagtailcore.WorkflowState",
    "wagtailcore.ReferenceIndex",
    "wagtailsearch.IndexEntry",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
)

RETENTION: dict[str, Rule] = {
    # --- shared: the walk stops here ----------------------------------------------------------
    "accounts.User": Rule(
        Treatment.SHARED,
        "people who sign in (professionals), shared by many cases; their accounts are "
        "anonymised on request when deactivated, never per case, so the audit trail stays whole",
    ),
    "organisations.Organisation": Rule(
        Treatment.SHARED, "a partner service, not a person; shared by many cases"
    ),
    # --- the case and its parts ---------------------------------------------------------------
    CASE_LABEL: Rule(
        Treatment.SCRUB,
        "the pseudonymous skeleton (reference, region, phases, dates, closure criteria) stays "
        "for statistics; the free text goes",
        paths=("pk",),
        scrub=("closing_summary", "contact_card"),
        kept_fields={"reference": "pseudonymous reference, for statistics and the audit trail"},
    ),
    "collaboration.Referral": Rule(
        Treatment.SCRUB,
        "the referral the case came from: the family's description and the criteria go; forms "
        "of violence, life domains, urgency and dates stay as codes for statistics",
        paths=("case",),
        scrub=REFERRAL_TEXT,
        kept_fields={
            "violence_forms": "codes from a fixed list, for statistics",
            "life_domains": "codes from a fixed list, for statistics",
        },
    ),
    "collaboration.ConsultRequest": Rule(
        Treatment.SCRUB,
        "a consult question that became the case's referral goes with the case",
        paths=("referrals__case",),
        scrub=CONSULT_TEXT,
    ),
    "collaboration.FamilyMember": Rule(
        Treatment.SCRUB,
        "the name and the reason of a removal go; year of birth and role in the family stay "
        "for statistics",
        paths=("case",),
        scrub=("name", "removal_reason"),
    ),
    "collaboration.CaseParticipant": Rule(
        Treatment.SCRUB,
        "which professional took part for which service stays (accountability); the task "
        "division and the reason of a removal may describe the family",
        paths=("case",),
        scrub=("task_division", "removal_reason"),
        kept_fields={"role_in_case": "a professional's role, not data about the family"},
    ),
    "collaboration.PhaseTransition": Rule(
        Treatment.SCRUB,
        "phases and dates stay for statistics; the reason is free text",
        paths=("case",),
        scrub=("reason",),
    ),
    "collaboration.BreakGlassAccess": Rule(
        Treatment.SCRUB,
        "who opened the case in an emergency, and when, stays; the justification is free text "
        "(the audit trail keeps it, with the access, for AUDIT_RETENTION_YEARS)",
        paths=("case",),
        scrub=("justification",),
    ),
    "collaboration.DomainAssessment": Rule(
        Treatment.SCRUB,
        "which life domains were explored stays; what was written about them goes",
        paths=("case",),
        scrub=("strengths", "worries", "concerns", "wishes"),
    ),
    "collaboration.RiskAssessment": Rule(
        Treatment.SCRUB,
        "the levels, the score, the instrument and its version, who assessed and when stay for "
        "statistics; the answers and the reason of the professional's own judgement go",
        paths=("case",),
        scrub=("answers", "override_reason"),
        kept_fields={
            "snapshot": "the instrument's questions and thresholds as used: the same for every "
            "case, no data about the family",
            "instrument_code": "the code of the instrument used, the same for every case",
            "assessed_by_organisation": "the assessor's service at the time, not data about "
            "the family",
        },
    ),
    "collaboration.SafetyPlan": Rule(
        Treatment.SCRUB,
        "that a person had a safety plan, its versions, who saved them and when stay; every "
        "part of the plan goes",
        paths=("case",),
        scrub=(
            "warning_signs",
            "what_to_do",
            "safe_places",
            "trusted_people",
            "family_agreements",
            "services",
        ),
        kept_fields={
            "saved_by_organisation": "the service that saved it, not data about the family"
        },
    ),
    "collaboration.RiskInstrument": Rule(
        Treatment.SHARED,
        "a risk-assessment instrument (its questions and thresholds), shared by every case",
    ),
    "collaboration.ActionPlan": Rule(
        Treatment.SCRUB,
        "versions and dates stay; the evaluation is free text",
        paths=("case",),
        scrub=("evaluation",),
    ),
    "collaboration.ClosureRequest": Rule(
        Treatment.SCRUB,
        "the answers to the closure criteria, who asked, who decided and when stay (codes and "
        "accountability); the reasons, summary, card and note are free text",
        paths=("case",),
        scrub=("reasons", "closing_summary", "contact_card", "decision_note"),
        kept_fields={"criteria": "'yes' or 'no' per closure criterion, for statistics"},
    ),
    "collaboration.Approval": Rule(
        Treatment.SCRUB,
        "what was approved or refused, who asked, who decided and when stay (four eyes, "
        "accountability); the comment or reason is free text",
        paths=("case",),
        scrub=("comment",),
    ),
    "collaboration.Goal": Rule(
        Treatment.SCRUB,
        "the life domain stays; the goal is free text",
        paths=("plan__case",),
        scrub=("description",),
    ),
    "collaboration.Action": Rule(
        Treatment.SCRUB,
        "service, status and due date stay; the description and reason are free text",
        paths=("case",),
        scrub=("description", "status_reason"),
    ),
    "collaboration.TimelineEntry": Rule(
        Treatment.SCRUB,
        "kind and date stay for statistics; title, text and the reason of a retraction go",
        paths=("case",),
        scrub=("title", "body", "retraction_reason"),
    ),
    "collaboration.Audience": Rule(
        Treatment.KEEP,
        "which sectors or services could see an entry: no personal data (those of deleted "
        "documents go with the document)",
        paths=("entry__case", "document__case"),
    ),
    "collaboration.CaseDocument": Rule(
        Treatment.DELETE,
        "documents are deleted whole, with their files",
        paths=("case",),
    ),
    "collaboration.Correction": Rule(
        Treatment.SCRUB,
        "which kind of item was corrected, by whom and when stays (accountability); the earlier "
        "and new versions and the reason are the case's content",
        paths=("case",),
        scrub=("changes", "reason"),
        kept_fields={
            "corrected_by_organisation": "the corrector's service at the time, not data about "
            "the family"
        },
    ),
    "collaboration.LegalBasis": Rule(
        Treatment.SCRUB,
        "on which kind of basis, for which services, since when, whether the family knew, "
        "when it was withdrawn and who reviewed it stay (accountability for what was shared); "
        "the purpose, the justification and the reasons are free text about the family",
        paths=("case",),
        scrub=("purpose", "family_informed_note", "review_note", "end_reason"),
        kept_fields={
            "framework_reference": "the law, decree or authorisation a consultation rests on, "
            "not data about the family"
        },
    ),
    "collaboration.LegalBasis_organisations": Rule(
        Treatment.KEEP,
        "which services a basis covered: no data about the family",
        paths=("legalbasis__case",),
    ),
    "collaboration.Flag": Rule(
        Treatment.SCRUB,
        "that a flag of which kind was raised and removed, by whom for which service and when "
        "stays (accountability, statistics); the reasons and a custom flag's own name may be "
        "about a person and go",
        paths=("case",),
        scrub=("custom_label", "reason", "removal_reason"),
        kept_fields={
            "raised_by_organisation": "the service of the person who raised it, not data about "
            "the family"
        },
    ),
    "collaboration.FlagReceipt": Rule(
        Treatment.KEEP,
        "which professional acknowledged which flag, when: accountability, no data about the "
        "family",
        paths=("flag__case",),
    ),
    "collaboration.Meeting": Rule(
        Treatment.SCRUB,
        "kind, date and status stay; the place may name the family's home, and the reason "
        "of a cancellation is free text",
        paths=("case",),
        scrub=("place", "cancel_reason"),
    ),
    "collaboration.Meeting_invitees": Rule(
        Treatment.KEEP,
        "which professionals were invited: staff, no data about the family",
        paths=("meeting__case",),
    ),
    # --- rights of the people concerned (collaboration.subject_access) ------------------------
    "collaboration.SubjectAccessRequest": Rule(
        Treatment.SCRUB,
        "that a request for access was made, its dates, status and the officers who handled it "
        "stay (accountability); who asked, the identity check and the export itself go",
        paths=("family_member__case",),
        scrub=(
            "requester_name",
            "identity_checked_by",
            "identity_note",
            "assembled",
            "export",
            "export_pdf",
        ),
    ),
    "collaboration.SubjectAccessHeldItem": Rule(
        Treatment.SCRUB,
        "which police or justice item was held back and what was decided stays; the item's "
        "content and the written reason go",
        paths=("request__family_member__case",),
        scrub=("content", "reason"),
        kept_fields={
            "key": "the kind of row and its id",
            "section": "the id of a part of the export, a fixed word",
            "why_held": "fixed phrases of the portal, no content",
        },
    ),
    "collaboration.RectificationRequest": Rule(
        Treatment.SCRUB,
        "kind, dates, status and the link to the correction stay; what the person asked and "
        "the annotation or reason go",
        paths=("family_member__case",),
        scrub=("request_text", "decision_text"),
    ),
    "collaboration.ProcessingRestriction": Rule(
        Treatment.SCRUB,
        "that processing was restricted, by whom and when stays; the reasons go",
        paths=("case",),
        scrub=("reason", "lift_reason"),
    ),
    # --- live notes and minutes ---------------------------------------------------------------
    "live_notes.NoteUpdate": Rule(
        Treatment.DELETE,
        "every keystroke of the notes (Yjs updates): content, deleted whole",
        paths=("meeting__case",),
    ),
    "live_notes.NoteSnapshot": Rule(
        Treatment.DELETE,
        "the merged notes (Yjs state): content, deleted whole",
        paths=("meeting__case",),
    ),
    "live_notes.NotesVolume": Rule(
        Treatment.KEEP, "a byte count, no content", paths=("meeting__case",)
    ),
    "live_notes.LiveConnection": Rule(
        Treatment.DELETE,
        "presence of open connections: transient, nothing to keep",
        paths=("meeting__case",),
    ),
    "live_notes.Acknowledgement": Rule(
        Treatment.KEEP,
        "which professional acknowledged which confidentiality statement, when: "
        "accountability, no data about the family",
        paths=("meeting__case",),
    ),
    "live_notes.AgendaItem": Rule(
        Treatment.SCRUB,
        "the number of agenda items stays; their titles go",
        paths=("meeting__case",),
        scrub=("title",),
    ),
    "live_notes.Attendance": Rule(
        Treatment.KEEP,
        "who attended for which service, family members by role only (their names go with "
        "FamilyMember): codes and references, no text",
        paths=("meeting__case",),
    ),
    "live_notes.Minutes": Rule(
        Treatment.SCRUB,
        "that the meeting was finalised, by whom and when stays; the minutes (HTML, PDF, Yjs "
        "state) are replaced, and their hashes with those of the replacement (a hash of the "
        "old text would let someone confirm a guess)",
        paths=("meeting__case",),
        scrub=("html", "html_sha256", "pdf", "pdf_sha256", "state"),
        values={
            "html": redacted_minutes_html,
            "html_sha256": _sha256_text(redacted_minutes_html),
            "pdf": redacted_minutes_pdf,
            "pdf_sha256": _sha256_bytes(redacted_minutes_pdf),
            "state": lambda: EMPTY_YJS_UPDATE,
        },
    ),
    # --- generic pointers: change history and logs --------------------------------------------
    "auditlog.LogEntry": Rule(
        Treatment.SCRUB,
        "django-auditlog's change history of every case row: who changed which field when "
        "stays; the values and the object's name go",
        scrub=("object_repr", "changes_text", "changes", "serialized_data", "additional_data"),
        values={"changes": dict, "serialized_data": lambda: None, "additional_data": lambda: None},
        kept_fields={
            "object_pk": "the row's id",
            "cid": "correlation id, shared with our audit trail",
            "actor_email": "the professional who made the change (accountability)",
        },
        pointer=("content_type", "object_pk"),
    ),
    "admin.LogEntry": Rule(
        Treatment.SCRUB,
        "Django admin's log; no case model is in the admin, but an entry naming a case row "
        "loses the name and message all the same",
        scrub=("object_repr", "change_message"),
        kept_fields={"object_id": "the row's id"},
        pointer=("content_type", "object_id"),
    ),
    **{
        label: Rule(
            Treatment.KEEP,
            _WAGTAIL_ONLY,
            pointer=("content_type", "object_id"),
        )
        for label in _WAGTAIL_POINTERS
    },
    "taggit.TaggedItem": Rule(
        Treatment.KEEP,
        "tags exist only on Wagtail images and documents; no case model has tags",
        pointer=("content_type", "object_id"),
    ),
}

# Models with no relation to a case that still carry a case reference, and why they stay.
DECLARED_UNLINKED: dict[str, str] = {
    "collaboration.Notification": "a kind, a link and the pseudonymous reference; no content",
    "collaboration.RetentionRun": "pseudonymous references and counts; the record of retention",
    "collaboration.CaseCounter": "the last number handed out per region and year",
    "audit.AuditEvent": (
        "our append-only, hash-chained audit trail: identifiers and field names, never case "
        "content (a break-the-glass justification is its purpose); kept AUDIT_RETENTION_YEARS"
    ),
}

SHARED_LABELS = frozenset(
    label for label, rule in RETENTION.items() if rule.treatment == Treatment.SHARED
)


# --- Discovery ------------------------------------------------------------------------------


def _label(model: Any) -> str | None:
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None else None


def is_generic_pointer(model: type[models.Model]) -> bool:
    """A model that can point at a row of any model: a GenericForeignKey, or a content type
    next to an object id (django-auditlog, Django admin and Wagtail log entries)."""
    if any(isinstance(f, GenericForeignKey) for f in model._meta.private_fields):
        return True
    names = {f.name for f in model._meta.concrete_fields}
    to_content_type = any(
        f.is_relation and _label(f.related_model) == "contenttypes.ContentType"
        for f in model._meta.concrete_fields
    )
    return to_content_type and bool(names & {"object_id", "object_pk"})


def case_linked_models(
    models_: Iterable[type[models.Model]], *, shared: Iterable[str] = SHARED_LABELS
) -> dict[str, str]:
    """Every model among ``models_`` linked to ``Case``, with the path that links it.

    Takes the models as a parameter so that a test can add one. Relations count in both
    directions: a row pointing at case data is about the case (a note update's meeting), and
    so is a row the case points at (its referral, the consult question behind it). The walk
    does not continue through ``shared`` models, nor through generic pointers.
    """
    by_label = {m._meta.label: m for m in models_}
    pointers = sorted(label for label, m in by_label.items() if is_generic_pointer(m))
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label, model in by_label.items():
        if label in pointers:
            continue
        for f in [*model._meta.fields, *model._meta.many_to_many]:
            target = _label(f.related_model) if f.is_relation else None
            if target is None:
                continue
            via = f"{label}.{f.name}"
            edges[label].append((target, via))
            edges[target].append((label, via))
    shared = frozenset(shared)
    found: dict[str, list[str]] = {CASE_LABEL: []}
    queue = deque([CASE_LABEL])
    while queue:
        current = queue.popleft()
        if current in shared:
            continue
        for neighbour, via in edges[current]:
            if neighbour not in found:
                found[neighbour] = [*found[current], via]
                queue.append(neighbour)
    result = {
        label: "via " + ", ".join(reversed(path)) if path else "the case itself"
        for label, path in found.items()
    }
    for label in pointers:
        result[label] = "generic pointer (content type + object id): may point at any case row"
    return result


def text_like_fields(model: type[models.Model]) -> list[str]:
    """Fields that can hold personal text or bytes: free text, binary, JSON and files (a
    CharField with choices holds a code)."""
    names = []
    for f in model._meta.concrete_fields:
        if isinstance(f, (models.BinaryField, models.JSONField, models.FileField)) or (
            isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ):
            names.append(f.name)
    return names


def missing_from_registry(models_: Iterable[type[models.Model]]) -> list[str]:
    """Models linked to a case that the registry does not decide about (must be empty)."""
    return sorted(label for label in case_linked_models(models_) if label not in RETENTION)


def unlisted_fields(model: type[models.Model], rule: Rule) -> list[str]:
    """Text-like fields of a scrubbed or kept model that are neither scrubbed nor kept with a
    reason (must be empty). Deleted rows lose every field; shared models and generic pointers
    of other libraries carry their reason for the whole model."""
    if rule.treatment in (Treatment.DELETE, Treatment.SHARED) or (
        rule.treatment == Treatment.KEEP and rule.pointer is not None
    ):
        return []
    listed = set(rule.scrub) | set(rule.kept_fields)
    return [name for name in text_like_fields(model) if name not in listed]


# --- Applying the registry ------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What a run did (or would do): case references and counts, never content."""

    cases: list[str] = field(default_factory=list)
    referrals: int = 0
    consults: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    def add(self, label: str, count: int) -> None:
        if count:
            self.rows[label] = self.rows.get(label, 0) + count


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def rows_of_cases(case_ids: list[int]) -> dict[str, list[Any]]:
    """The primary keys of every row, of every model in the registry, that belongs to these
    cases (shared models and generic pointers excepted)."""
    rows: dict[str, list[Any]] = {}
    for label, rule in RETENTION.items():
        if rule.pointer is not None or rule.treatment == Treatment.SHARED:
            continue
        model = _model(label)
        ids: set[Any] = set()
        for path in rule.paths:
            for chunk in _chunks(case_ids):
                ids.update(
                    model._default_manager.filter(**{f"{path}__in": chunk}).values_list(
                        "pk", flat=True
                    )
                )
        rows[label] = sorted(ids)
    return rows


def _replacement(model: type[models.Model], rule: Rule, name: str) -> Any:
    if name in rule.values:
        return rule.values[name]()
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.BinaryField):
        return b""
    if isinstance(model_field, models.JSONField):
        return None if model_field.null else {}
    max_length = getattr(model_field, "max_length", None)
    return REDACTED[: max_length or len(REDACTED)]


def _pointer_rows(
    rule: Rule, model: type[models.Model], rows: Mapping[str, list[Any]]
) -> models.QuerySet[Any]:
    """The pointer's rows that point at any of ``rows``."""
    if rule.pointer is None:
        raise ValueError("not a generic pointer")
    type_field, id_field = rule.pointer
    # Looked up, never created: a model without a content type has no history.
    content_types = {(ct.app_label, ct.model): ct for ct in ContentType.objects.all()}
    condition = models.Q(pk__in=[])
    for label, ids in rows.items():
        app_label, _dot, model_name = label.partition(".")
        content_type = content_types.get((app_label, model_name.lower()))
        if not ids or content_type is None:
            continue
        for chunk in _chunks([str(i) for i in ids]):
            condition |= models.Q(**{type_field: content_type, f"{id_field}__in": chunk})
    return model._default_manager.filter(condition)


def count_rows(rows: Mapping[str, list[Any]]) -> dict[str, int]:
    """How many rows retention would scrub or delete per model, generic pointers included."""
    counts: dict[str, int] = {}
    for label, rule in RETENTION.items():
        if rule.treatment not in (Treatment.SCRUB, Treatment.DELETE):
            continue
        if rule.pointer is not None:
            number = _pointer_rows(rule, _model(label), rows).count()
        else:
            number = len(rows.get(label, []))
        if number:
            counts[label] = number
    return counts


def _delete_files_on_commit(files: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:  # the orphan sweeper removes it later
                logger.exception("Retention: could not delete a stored file")

    transaction.on_commit(delete)


def apply_rules(rows: Mapping[str, list[Any]], report: RetentionReport) -> None:
    """Scrub and delete ``rows`` (label -> primary keys) as the registry says, then empty the
    history of every one of them. Call inside a transaction."""
    with disable_auditlog():
        files: list[tuple[Any, str]] = []
        for label, rule in RETENTION.items():
            ids = rows.get(label, [])
            if rule.pointer is not None or not ids:
                continue
            model = _model(label)
            if rule.treatment == Treatment.SCRUB:
                values = {name: _replacement(model, rule, name) for name in rule.scrub}
                for chunk in _chunks(ids):
                    model._default_manager.filter(pk__in=chunk).update(**values)
                report.add(label, len(ids))
            elif rule.treatment == Treatment.DELETE:
                file_fields = [
                    f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)
                ]
                for chunk in _chunks(ids):
                    queryset = model._default_manager.filter(pk__in=chunk)
                    for obj in queryset.only("pk", *file_fields) if file_fields else []:
                        for name in file_fields:
                            stored = getattr(obj, name)
                            if stored.name:
                                files.append((stored.storage, stored.name))
                    queryset.delete()
                report.add(label, len(ids))
        for label, rule in RETENTION.items():
            if rule.pointer is None or rule.treatment != Treatment.SCRUB:
                continue
            model = _model(label)
            values = {name: _replacement(model, rule, name) for name in rule.scrub}
            report.add(label, _pointer_rows(rule, model, rows).update(**values))
    if files:
        report.files += len(files)
        _delete_files_on_commit(files)


# --- What is due ----------------------------------------------------------------------------


def _years_ago(years: int, now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=round(365.25 * years))


def case_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return _years_ago(int(getattr(settings, "CASE_RETENTION_YEARS", 5)), now)


def consult_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return _years_ago(int(getattr(settings, "CONSULT_RETENTION_YEARS", 2)), now)


def cases_due(now: dt.datetime | None = None) -> models.QuerySet[Case]:
    """Closed before the cutoff and not yet anonymised (an anonymised case carries REDACTED as
    its closing summary, which closing always requires)."""
    return Case.objects.filter(closed_at__isnull=False, closed_at__lt=case_cutoff(now)).exclude(
        closing_summary=REDACTED
    )


def declined_referrals_due(now: dt.datetime | None = None) -> models.QuerySet[Referral]:
    """Referrals that did not become a case, ``CASE_RETENTION_YEARS`` after the decision."""
    return Referral.objects.filter(
        status="declined", decided_at__lt=case_cutoff(now), case__isnull=True
    ).exclude(family_composition=REDACTED)


def consults_due(now: dt.datetime | None = None) -> models.QuerySet[ConsultRequest]:
    """Answered or closed consult questions that led to no referral, ``CONSULT_RETENTION_YEARS``
    after they were received (one that led to a referral goes with it)."""
    return ConsultRequest.objects.filter(
        status__in=["answered", "closed", "converted"],
        created_at__lt=consult_cutoff(now),
        referrals__isnull=True,
    ).exclude(question=REDACTED)


def _referral_rows(referral_ids: list[int]) -> dict[str, list[Any]]:
    consult_ids = sorted(
        set(
            Referral.objects.filter(pk__in=referral_ids, consult__isnull=False).values_list(
                "consult_id", flat=True
            )
        )
    )
    return {"collaboration.Referral": referral_ids, "collaboration.ConsultRequest": consult_ids}


# --- Running --------------------------------------------------------------------------------


def allow_final_record_changes() -> None:
    """Let this transaction replace finalised minutes and scrub decided referrals: on
    PostgreSQL triggers refuse every other change to them (``live_notes`` migration 0009,
    ``collaboration`` migration 0021). ``SET LOCAL`` ends with the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL veilighuis.retention = 'on'")


def record_anonymised_decisions(referral_ids: list[int]) -> None:
    """After scrubbing, the hash of each decided referral's anonymised decision goes into the
    trail, so ``portal.audit.final_records`` expects that one from now on (the decision's
    own record keeps the original's)."""
    decided = Referral.objects.filter(pk__in=referral_ids, status__in=DECIDED).order_by("pk")
    for referral in decided:
        record_event(
            action=AuditAction.FINAL_RECORD_ANONYMISED,
            object_type="referral",
            object_id=referral.pk,
            purpose="bewaartermijn verstreken",
            extra={DECISION_HASH_KEY: referral_decision_sha256(referral)},
        )


def anonymise_case(case: Case, *, dry_run: bool, report: RetentionReport) -> None:
    """Scrub, delete or keep every row of one case as the registry says; with ``dry_run``
    only count. Call inside a transaction."""
    report.cases.append(case.reference)
    rows = rows_of_cases([case.pk])
    if dry_run:
        for label, count in count_rows(rows).items():
            report.add(label, count)
        return
    done = RetentionReport()
    allow_final_record_changes()
    apply_rules(rows, done)
    record_anonymised_decisions(rows.get("collaboration.Referral", []))
    for label, count in done.rows.items():
        report.add(label, count)
    report.files += done.files
    record_event(
        action=AuditAction.CASE_ANONYMISED,
        object_type="case",
        object_id=case.pk,
        case_reference=case.reference,
        purpose="bewaartermijn verstreken",
        extra={"rows": done.rows, "files": done.files},
    )


def anonymise_referrals(referral_ids: list[int], *, dry_run: bool, report: RetentionReport) -> None:
    """Declined referrals past their period, with the consult questions behind them."""
    if not referral_ids:
        return
    rows = _referral_rows(referral_ids)
    report.referrals += len(referral_ids)
    if dry_run:
        for label, count in count_rows(rows).items():
            report.add(label, count)
        return
    allow_final_record_changes()
    apply_rules(rows, report)
    record_anonymised_decisions(referral_ids)


def anonymise_consults(consult_ids: list[int], *, dry_run: bool, report: RetentionReport) -> None:
    if not consult_ids:
        return
    rows = {"collaboration.ConsultRequest": consult_ids}
    report.consults += len(consult_ids)
    if dry_run:
        for label, count in count_rows(rows).items():
            report.add(label, count)
        return
    apply_rules(rows, report)


def anonymise_due(
    *,
    dry_run: bool = True,
    now: dt.datetime | None = None,
    region: str | None = None,
    case_references: list[str] | None = None,
    referral_ids: list[int] | None = None,
    consult_ids: list[int] | None = None,
) -> RetentionReport:
    """Everything past its period (in ``region``; limited to the given references and ids when
    those are passed, as a confirmed run does). Each case in its own transaction."""
    report = RetentionReport()
    cases = cases_due(now)
    referrals = declined_referrals_due(now)
    consults = consults_due(now)
    if region is not None:
        cases = cases.filter(region=region)
        referrals = referrals.filter(region=region)
        consults = consults.filter(region=region)
    if case_references is not None:
        cases = cases.filter(reference__in=case_references)
    if referral_ids is not None:
        referrals = referrals.filter(pk__in=referral_ids)
    if consult_ids is not None:
        consults = consults.filter(pk__in=consult_ids)
    for case in cases.order_by("closed_at", "pk"):
        with transaction.atomic():
            anonymise_case(case, dry_run=dry_run, report=report)
    with transaction.atomic():
        anonymise_referrals(
            sorted(referrals.values_list("pk", flat=True)), dry_run=dry_run, report=report
        )
        anonymise_consults(
            sorted(set(consults.values_list("pk", flat=True))), dry_run=dry_run, report=report
        )
    return report


def anonymise_due_cases(*, dry_run: bool = True, now: dt.datetime | None = None) -> RetentionReport:
    """Every region at once (the management command's dry run, and scripted use)."""
    return anonymise_due(dry_run=dry_run, now=now)


# --- Files no row references ----------------------------------------------------------------


def _document_file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and isinstance(f.storage, CaseDocumentStorage)
    ]


# The names the upload gives (``%Y/%m/`` + 32 random hex digits, a suffix Django adds on a
# clash, the extension): the sweeper deletes nothing else, whatever else is in the directory.
_STORED_NAME = re.compile(r"\d{4}/\d{2}/[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?\.[a-z0-9]{1,8}")


def sweep_orphaned_files(*, grace: dt.timedelta | None = None) -> list[str]:
    """Delete files in the private document storage that no row references and that are older
    than ``grace`` (``CASE_DOCUMENT_ORPHAN_GRACE_HOURS``, so an upload whose transaction is
    still open is left alone). Catches files of uploads that rolled back in a way the upload's
    own clean-up could not see, of a crashed process, or of a retention run whose deletion
    after commit failed. Only names of the upload's pattern are touched, so a misconfigured
    ``CASE_DOCUMENTS_ROOT`` cannot cost other files. Returns the removed names (random)."""
    if grace is None:
        grace = dt.timedelta(hours=int(getattr(settings, "CASE_DOCUMENT_ORPHAN_GRACE_HOURS", 6)))
    storage = CaseDocumentStorage()
    root = storage.location
    if not os.path.isdir(root):
        return []
    referenced: set[str] = set()
    for model, name in _document_file_fields():
        referenced.update(model._default_manager.exclude(**{name: ""}).values_list(name, flat=True))
    cutoff = (timezone.now() - grace).timestamp()
    removed: list[str] = []
    for directory, _dirs, files in os.walk(root):
        for filename in files:
            path = os.path.join(directory, filename)
            name = os.path.relpath(path, root).replace(os.sep, "/")
            if name in referenced or not _STORED_NAME.fullmatch(name):
                continue
            try:
                if os.stat(path).st_mtime >= cutoff:
                    continue
                os.remove(path)
            except FileNotFoundError:
                continue
            removed.append(name)
    if removed:
        record_event(
            action=AuditAction.ORPHANED_FILES_REMOVED,
            object_type="case_document_storage",
            purpose="bestanden zonder dossier",
            extra={"count": len(removed)},
        )
    return removed
