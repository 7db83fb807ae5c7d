"""The things of the case side in words, for the audit viewer: "Dossier VH-OVL-2026-0002",
"Netwerkoverleg 12 december". Registered with the ground floor's ``portal.audit.objects``
from ``CollaborationConfig.ready()``.

Case content never appears here: a timeline entry or a document is named by its kind and
date, not by its title or text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.audit.objects import Resolver, day, words_by_pk

from .models import (
    Case,
    CaseDocument,
    DomainAssessment,
    FamilyMember,
    Flag,
    Meeting,
    RetentionRun,
    TimelineEntry,
)


def _meetings(ids: set[str]) -> dict[str, str]:
    return words_by_pk(Meeting, ids, lambda m: f"{m.get_kind_display()} {day(m.starts_at)}")


def _cases(ids: set[str]) -> dict[str, str]:
    return words_by_pk(Case, ids, lambda c: _("Dossier %(reference)s") % {"reference": c.reference})


def _family_members(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        FamilyMember,
        ids,
        lambda f: _("Gezinslid (%(role)s)") % {"role": f.get_family_role_display().lower()},
    )


def _assessments(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        DomainAssessment,
        ids,
        lambda a: _("Levensdomein %(domain)s") % {"domain": a.get_domain_display().lower()},
    )


def _timeline_entries(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        TimelineEntry,
        ids,
        lambda e: (
            _("Tijdlijnbericht (%(kind)s) van %(day)s")
            % {"kind": e.get_kind_display().lower(), "day": day(e.occurred_on)}
        ),
    )


def _documents(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        CaseDocument,
        ids,
        lambda d: _("Document toegevoegd op %(day)s") % {"day": day(d.uploaded_at)},
    )


def _flags(ids: set[str]) -> dict[str, str]:
    """By kind and day; never a custom flag's own name, which may be about a person."""
    return words_by_pk(
        Flag,
        ids,
        lambda f: (
            _("Signaal (%(kind)s) van %(day)s")
            % {"kind": f.get_kind_display().lower(), "day": day(f.raised_at)}
        ),
    )


def _retention_runs(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        RetentionRun,
        ids,
        lambda r: (
            _("Bewaartermijnronde van %(day)s (%(region)s)")
            % {"day": day(r.proposed_at), "region": r.get_region_display()}
        ),
    )


RESOLVERS: dict[str, Resolver] = {
    "case": _cases,
    "meeting": _meetings,
    "family_member": _family_members,
    "assessment": _assessments,
    "timeline_entry": _timeline_entries,
    "document": _documents,
    "flag": _flags,
    "retention_run": _retention_runs,
}
