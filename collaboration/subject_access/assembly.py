"""What the portal holds about one person, assembled for a subject-access export.

For a family member: their own details; what was shared about them to Veilig Huis (the
referral) and with whom afterwards (the services of the case, entries shared with chosen sectors
or services); the entries of their case (exploration, plan of action, timeline, documents,
meetings, closure; the models do not link entries to persons, so every entry of the case is
included with other people's names redacted, and the meetings they attended say so); their
requests for rectification and restrictions of processing; and which organisations, in which
role, read or changed their file and when (the audit trail: the NEN 7513 view for the client).

For a professional (a user): their account, memberships, assignments to cases (by reference,
without the family's data), actions in their name, what was done under their account and who
handled their account.

Police and justice items (shared only with the police or justice sector or a service of it,
written or uploaded by such a service, plan actions assigned to one, or a police intervention
or prosecutor's decision; one rule, ``why_held``) are not put in the export: they are returned as ``held`` for a privacy officer to decide on (LED art. 15).

Every label is Dutch (the models' verbose names, ``get_FOO_display``), never a code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent

from ..models import (
    Action,
    ActionPlan,
    Audience,
    Case,
    CaseDocument,
    CaseParticipant,
    CorrectedKind,
    Correction,
    DomainAssessment,
    EntryKind,
    FamilyMember,
    Flag,
    Goal,
    LegalBasis,
    LifeDomain,
    Meeting,
    Membership,
    Organisation,
    ProcessingRestriction,
    RectificationRequest,
    Referral,
    Role,
    Sector,
    TimelineEntry,
    ViolenceForm,
    Visibility,
)
from .redaction import Redactor

Item = dict[str, str]
LED_SECTORS = frozenset({Sector.POLICE, Sector.JUSTICE})
LED_KINDS = frozenset({EntryKind.POLICE_INTERVENTION, EntryKind.PROSECUTOR_DECISION})


def basis_labels() -> dict[str, str]:
    """The access rule recorded in an audit event's ``role``, in words."""
    return {
        "case_director": _("Casusregisseur van het dossier"),
        "participant": _("Betrokken professional in het dossier"),
        "coordinator": _("Coördinator van de regio"),
        "break_the_glass": _("Noodtoegang door een privacyverantwoordelijke"),
        **{value: str(label) for value, label in Role.choices},
    }


@dataclass
class Section:
    """One part of the export: a heading, an explanation and items (label -> value)."""

    id: str
    title: str
    intro: str = ""
    items: list[Item] = field(default_factory=list)
    table: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "titel": self.title,
            "toelichting": self.intro,
            "tabel": self.table,
            "items": self.items,
        }


@dataclass
class Held:
    """An item kept out of the export until an officer decides on it."""

    key: str
    section: str
    content: Item
    why: str
    timeline_entry_id: int | None = None
    document_id: int | None = None


@dataclass
class Assembly:
    sections: list[Section]
    held: list[Held]

    def as_json(self) -> list[dict[str, Any]]:
        return [section.as_json() for section in self.sections]


# --- Labels and values ----------------------------------------------------------------------


def label(model: type[Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def text(value: Any) -> str:
    """A value as the export shows it: dates and times in Dutch, Brussels time; "–" for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nee")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


def shown(obj: Model, name: str) -> str:
    display = getattr(obj, f"get_{name}_display", None)
    return text(display() if callable(display) else getattr(obj, name))


def fields(obj: Model, names: Iterable[str], redact: Callable[[str], str] | None = None) -> Item:
    item: Item = {}
    for name in names:
        value = shown(obj, name)
        item[label(type(obj), name)] = redact(value) if redact and value != "–" else value
    return item


def codes(values: list[str], choices: type) -> str:
    labels = [str(choices(value).label) for value in values if value in choices.values]
    return ", ".join(labels) or "–"


def audience_text(rows: list[Audience]) -> str:
    names = []
    for row in rows:
        if row.sector:
            names.append(_("sector %(sector)s") % {"sector": row.get_sector_display().lower()})
        elif row.organisation is not None:
            names.append(row.organisation.name)
    return ", ".join(names)


def _visibility(obj: TimelineEntry | CaseDocument) -> str:
    rows = list(obj.audience.all())
    if obj.visibility == Visibility.AUDIENCE and rows:
        return _("Alleen gedeeld met: %(who)s") % {"who": audience_text(rows)}
    return obj.get_visibility_display()


def why_held(obj: Model | None = None, *, author_sector: str = "", owner_sector: str = "") -> str:
    """Why an item is a police or justice item, or "" when it is not one: the one rule for
    every part of the export. ``obj`` (a timeline entry or document) counts when it is shared
    only with the police or justice or is a police intervention or prosecutor's decision;
    ``author_sector`` is the sector of the service that wrote or uploaded the item;
    ``owner_sector`` that of the service an action is assigned to."""
    reasons = []
    rows = list(obj.audience.all()) if obj is not None and hasattr(obj, "audience") else []
    if getattr(obj, "visibility", "") == Visibility.AUDIENCE and any(
        row.sector in LED_SECTORS
        or (row.organisation is not None and row.organisation.sector in LED_SECTORS)
        for row in rows
    ):
        reasons.append(_("alleen gedeeld met politie of justitie"))
    if author_sector in LED_SECTORS:
        reasons.append(_("ingebracht door politie of justitie"))
    if owner_sector in LED_SECTORS:
        reasons.append(_("toegewezen aan politie of justitie"))
    if getattr(obj, "kind", "") in LED_KINDS:
        reasons.append(_("een politietussenkomst of een beslissing van het parket"))
    return capfirst("; ".join(reasons)) if reasons else ""


def _uploader_sectors(case: Case) -> dict[int, str]:
    """The sector each person acts for in ``case``, as a timeline entry's author organisation
    is chosen: their organisation in the case, else a police or justice membership if they
    have one (held back when in doubt), else any other membership."""
    sectors: dict[int, str] = {}
    uploaders = CaseDocument.objects.filter(case=case).values("uploaded_by_id")
    for user_id, sector in Membership.objects.filter(user_id__in=uploaders).values_list(
        "user_id", "organisation__sector"
    ):
        if sectors.get(user_id) not in LED_SECTORS:
            sectors[user_id] = sector
    for user_id, sector in CaseParticipant.objects.filter(case=case).values_list(
        "user_id", "organisation__sector"
    ):
        sectors[user_id] = sector
    return sectors


def _day(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y")


# --- Family member --------------------------------------------------------------------------


def _people_of(case: Case) -> list[str]:
    """Every name in the case that is not the family's own: staff and the referrer."""
    names = [case.case_director.full_name]
    names += CaseParticipant.objects.filter(case=case).values_list("user__full_name", flat=True)
    names += TimelineEntry.objects.filter(case=case).values_list("author__full_name", flat=True)
    names += Action.objects.filter(case=case, responsible__isnull=False).values_list(
        "responsible__full_name", flat=True
    )
    if case.referral_id:
        names.append(case.referral.referrer.full_name)
    return [name for name in set(names) if name]


def _access_log(events: Iterable[AuditEvent]) -> list[Item]:
    """Reads and changes grouped per day, organisation, role and action, with a count."""
    roles = basis_labels()
    groups: Counter[tuple[str, str, str, str]] = Counter()
    order: dict[tuple[str, str, str, str], dt.datetime] = {}
    for event in events:
        key = (
            _day(event.occurred_at),
            event.organisation or _("Veilig Huis-portaal (automatisch)"),
            roles.get(event.role, "–") if event.role else "–",
            event.get_action_display(),
        )
        groups[key] += 1
        order.setdefault(key, event.occurred_at)
    return [
        {
            _("Datum"): day,
            _("Organisatie"): organisation,
            _("Rol"): role,
            _("Handeling"): action,
            _("Aantal keer"): str(groups[(day, organisation, role, action)]),
        }
        for day, organisation, role, action in sorted(groups, key=lambda k: order[k])
    ]


def assemble_for_family_member(member: FamilyMember) -> Assembly:
    with override("nl-be"):
        return _assemble_family(member)


def _assemble_family(member: FamilyMember) -> Assembly:
    case = Case.objects.select_related("case_director", "referral__referrer").get(pk=member.case_id)
    others = [m.name for m in case.family_members.exclude(pk=member.pk)]
    others += _earlier_names(case, member)
    redact = Redactor(own=member.name, others=[*others, *_people_of(case)])
    held: list[Held] = []
    sections: list[Section] = []

    person = fields(member, ["name", "birth_year", "family_role"])
    person.update(fields(case, ["reference", "region", "phase", "opened_at", "closed_at"]))
    sections.append(
        Section(
            "persoon",
            _("Uw gegevens"),
            _("Zoals ze in het dossier van Veilig Huis staan."),
            [person],
        )
    )

    # What was shared about the person, and with whom. Rows that show the police or justice
    # taking part in the case, or reading it, are held for the officer's decision as well.
    # Rows name a service as text (a participant's organisation, the audit trail's
    # organisation); the same rule decides on the sector of each service a row names.
    led_names = {
        name
        for name, sector in Organisation.objects.values_list("name", "sector")
        if why_held(author_sector=sector)
    }

    def is_led(organisation_label: str) -> bool:
        return any(name in organisation_label for name in led_names)

    shared: list[Item] = []
    referral: Referral | None = (
        Referral.objects.select_related("referring_organisation").filter(case=case).first()
    )
    not_recorded = _("Niet apart vastgelegd; zie de toelichting")
    if referral is not None:
        shared.append(
            {
                _("Door"): referral.referring_organisation.name,
                _("Aan"): _("Veilig Huis %(region)s") % {"region": case.get_region_display()},
                _("Wat"): _("Aanmelding van het gezin"),
                _("Wanneer"): _day(referral.created_at),
                _("Rechtsgrond"): not_recorded,
            }
        )

    def grounds(obj: Any) -> str:
        """The recorded basis of a sharing act, by kind and number (no names)."""
        basis = obj.legal_basis
        if basis is None:
            return not_recorded
        return f"{basis.get_kind_display()} (#{basis.pk})"

    for participant in CaseParticipant.objects.filter(case=case).select_related(
        "organisation", "legal_basis"
    ):
        shared.append(
            {
                _("Door"): _("Veilig Huis %(region)s") % {"region": case.get_region_display()},
                _("Aan"): participant.organisation.name,
                _("Wat"): _("Toegang tot het dossier als %(role)s")
                % {"role": redact(participant.role_in_case)},
                _("Wanneer"): _day(participant.added_at),
                _("Rechtsgrond"): grounds(participant),
            }
        )
    audience = Prefetch("audience", queryset=Audience.objects.select_related("organisation"))
    entries = list(
        TimelineEntry.objects.filter(case=case)
        .select_related("author_organisation", "legal_basis")
        .prefetch_related(audience)
        .order_by("occurred_on", "id")
    )
    documents = list(
        CaseDocument.objects.filter(case=case)
        .select_related("legal_basis")
        .prefetch_related(audience)
        .order_by("uploaded_at", "id")
    )
    uploaders = _uploader_sectors(case)

    def reason_for(obj: TimelineEntry | CaseDocument) -> str:
        if isinstance(obj, TimelineEntry):
            organisation = obj.author_organisation
            return why_held(obj, author_sector=organisation.sector if organisation else "")
        return why_held(obj, author_sector=uploaders.get(obj.uploaded_by_id, ""))

    for obj in [*entries, *documents]:
        rows = list(obj.audience.all())
        if obj.visibility != Visibility.AUDIENCE or not rows or reason_for(obj):
            continue
        when = obj.occurred_on if isinstance(obj, TimelineEntry) else obj.uploaded_at
        shared.append(
            {
                _("Door"): (
                    obj.author_organisation.name
                    if isinstance(obj, TimelineEntry) and obj.author_organisation
                    else _("Een betrokken dienst")
                ),
                _("Aan"): audience_text(rows),
                _("Wat"): (
                    _("Tijdlijnitem “%(title)s”") % {"title": redact(obj.title)}
                    if isinstance(obj, TimelineEntry)
                    else _("Document “%(title)s”") % {"title": redact(obj.title)}
                ),
                _("Wanneer"): text(when),
                _("Rechtsgrond"): grounds(obj),
            }
        )
    for event in AuditEvent.objects.filter(
        action=AuditAction.EXPORTED, case_reference=case.reference, outcome=Outcome.ALLOWED
    ).order_by("id"):
        basis = (event.extra or {}).get("legal_basis")
        if basis:
            shared.append(
                {
                    _("Door"): event.organisation or "–",
                    _("Aan"): (event.extra or {}).get("recipient", "–"),
                    _("Wat"): _("Gegevens uit het dossier"),
                    _("Wanneer"): _day(event.occurred_at),
                    _("Rechtsgrond"): str(basis),
                }
            )
    shared_led = [row for row in shared if is_led(row[_("Door")]) or is_led(row[_("Aan")])]
    if shared_led:
        shared = [row for row in shared if row not in shared_led]
        held.append(
            Held(
                "gedeeld:politie-justitie",
                "gedeeld",
                {"rijen": shared_led},
                _("Betrokkenheid van politie of justitie bij het dossier"),
            )
        )
    sections.append(
        Section(
            "gedeeld",
            _("Met wie uw gegevens gedeeld werden"),
            _(
                "Veilig Huis werkt samen met de diensten die bij uw gezin betrokken zijn, in "
                "uitvoering van het decreet op Veilig Huis en het samenwerkingsakkoord van de "
                "ketenpartners (taak van algemeen belang; art. 9, lid 2, g en h AVG; voor "
                "politie en justitie de richtlijn (EU) 2016/680). Waar bij het delen een "
                "afzonderlijke rechtsgrond is vastgelegd, staat die in de tabel."
            ),
            shared,
            table=True,
        )
    )

    if referral is not None:
        item = fields(referral, ["created_at", "urgency", "family_composition"], redact)
        item[label(Referral, "referring_organisation")] = referral.referring_organisation.name
        item[label(Referral, "violence_forms")] = codes(referral.violence_forms, ViolenceForm)
        item[label(Referral, "life_domains")] = codes(referral.life_domains, LifeDomain)
        item.update(
            fields(
                referral,
                [
                    "criterion_complexity",
                    "criterion_multiple_domains",
                    "criterion_stuck_help",
                    "services_involved",
                ],
                redact,
            )
        )
        sections.append(
            Section(
                "aanmelding",
                _("De aanmelding bij Veilig Huis"),
                _("Namen van andere personen zijn afgeschermd."),
                [item],
            )
        )

    sections.append(
        Section(
            "verkenning",
            _("Verkenning per levensdomein"),
            _("Namen van andere personen zijn afgeschermd."),
            [
                fields(a, ["domain", "strengths", "worries", "concerns", "wishes"], redact)
                for a in DomainAssessment.objects.filter(case=case)
            ],
        )
    )

    plan_items: list[Item] = []
    action_items: list[Item] = []
    plans = ActionPlan.objects.filter(case=case).order_by("version")
    plans = plans.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.prefetch_related("actions__organisation"))
    )
    for plan in plans:
        version = _("Versie %(n)s") % {"n": plan.version}
        for goal in plan.goals.all():
            item = {_("Plan van aanpak"): version}
            item[label(ActionPlan, "presented_in_team_on")] = shown(plan, "presented_in_team_on")
            item.update(fields(goal, ["domain", "description"], redact))
            plan_items.append(item)
            for action in goal.actions.all():
                item = {
                    _("Plan van aanpak"): version,
                    label(Goal, "description"): redact(goal.description),
                }
                item.update(
                    fields(action, ["description", "due_date", "status", "status_reason"], redact)
                )
                item[label(Action, "organisation")] = action.organisation.name
                reason = why_held(owner_sector=action.organisation.sector)
                if reason:
                    held.append(Held(f"action:{action.pk}", "acties", item, reason))
                else:
                    action_items.append(item)
    sections.append(
        Section(
            "plan",
            _("Plan van aanpak: doelen"),
            _("Namen van andere personen zijn afgeschermd."),
            plan_items,
        )
    )
    sections.append(
        Section(
            "acties",
            _("Plan van aanpak: acties"),
            _("Namen van andere personen zijn afgeschermd."),
            action_items,
        )
    )

    timeline: list[Item] = []
    for entry in entries:
        item = fields(entry, ["occurred_on", "kind", "title", "body"], redact)
        item[_("Dienst")] = entry.author_organisation.name if entry.author_organisation else "–"
        item[label(TimelineEntry, "visibility")] = _visibility(entry)
        reason = reason_for(entry)
        if reason:
            held.append(Held(f"timeline_entry:{entry.pk}", "tijdlijn", item, reason, entry.pk))
        else:
            timeline.append(item)
    sections.append(
        Section(
            "tijdlijn",
            _("Tijdlijn van het dossier"),
            _("De tijdlijn gaat over het hele gezin. Namen van andere personen zijn afgeschermd."),
            timeline,
        )
    )

    document_items: list[Item] = []
    for document in documents:
        item = {
            label(CaseDocument, "title"): redact(document.title),
            _("Toegevoegd op"): text(document.uploaded_at),
            label(CaseDocument, "visibility"): _visibility(document),
        }
        reason = reason_for(document)
        if reason:
            held.append(
                Held(f"document:{document.pk}", "documenten", item, reason, None, document.pk)
            )
        else:
            document_items.append(item)
    sections.append(
        Section(
            "documenten",
            _("Documenten in het dossier"),
            _(
                "Een kopie van een document kunt u vragen aan de privacyverantwoordelijke; "
                "gegevens over andere personen worden daarin afgeschermd."
            ),
            document_items,
        )
    )

    sections.append(_corrections(case, member, redact, held))
    from .risk_sections import risk_and_safety_sections  # issue 17; imports this module

    sections += risk_and_safety_sections(case, member, redact, held)
    sections.append(_flags(case, member, redact, held))
    sections.append(_legal_bases(case, member, redact, held))

    meetings = list(Meeting.objects.filter(case=case).order_by("starts_at"))
    attended = _attendance_of(member)
    sections.append(
        Section(
            "overleg",
            _("Overleg over het gezin"),
            "",
            [
                {
                    **fields(meeting, ["kind", "starts_at", "status", "place"], redact),
                    _("Uw aanwezigheid"): attended.get(meeting.pk, "–"),
                }
                for meeting in meetings
            ],
        )
    )

    if case.closing_summary or case.contact_card:
        sections.append(
            Section(
                "afsluiting",
                _("Afsluiting van het dossier"),
                "",
                [fields(case, ["closed_at", "closing_summary", "contact_card"], redact)],
            )
        )

    sections.append(
        Section(
            "rechtzetting",
            _("Uw verzoeken tot rechtzetting of bezwaar"),
            "",
            [
                fields(r, ["received_on", "kind", "request_text", "status", "decision_text"])
                for r in RectificationRequest.objects.filter(family_member=member).order_by(
                    "received_on", "id"
                )
            ],
        )
    )
    sections.append(
        Section(
            "beperking",
            _("Beperkingen van de verwerking"),
            _("Gegevens waarvan de verwerking beperkt is, ziet enkel nog de casusregisseur."),
            [
                {
                    _("Geldt voor"): r.get_scope_display(),
                    label(ProcessingRestriction, "restricted_at"): text(r.restricted_at),
                    label(ProcessingRestriction, "reason"): redact(r.reason),
                    label(ProcessingRestriction, "lifted_at"): text(r.lifted_at),
                }
                for r in ProcessingRestriction.objects.filter(case=case).order_by("restricted_at")
            ],
        )
    )

    events = (
        AuditEvent.objects.filter(case_reference=case.reference, outcome=Outcome.ALLOWED)
        .only("occurred_at", "organisation", "role", "action")
        .order_by("id")
    )
    accesses = _access_log(events.iterator(chunk_size=2000))
    accesses_led = [row for row in accesses if is_led(row[_("Organisatie")])]
    if accesses_led:
        accesses = [row for row in accesses if not is_led(row[_("Organisatie")])]
        held.append(
            Held(
                "raadplegingen:politie-justitie",
                "raadplegingen",
                {"rijen": accesses_led},
                _("Raadplegingen en wijzigingen door politie of justitie"),
            )
        )
    sections.append(
        Section(
            "raadplegingen",
            _("Wie uw dossier raadpleegde of wijzigde"),
            _(
                "Uit het toegangslogboek (NEN 7513): per dag, organisatie en rol, hoe vaak "
                "een handeling gebeurde. Medewerkers worden niet bij naam genoemd."
            ),
            accesses,
            table=True,
        )
    )
    return Assembly(sections, held)


def _earlier_names(case: Case, member: FamilyMember) -> list[str]:
    """Names other family members had before a correction: entries written then still use
    them, and the redaction must know them (found by the corrections export test)."""
    return [
        str(change.get("before", ""))
        for changes in Correction.objects.filter(case=case, kind=CorrectedKind.FAMILY_MEMBER)
        .exclude(object_id=member.pk)
        .values_list("changes", flat=True)
        for change in changes or []
        if change.get("field") == "name" and change.get("before")
    ]


def _corrections(
    case: Case, member: FamilyMember, redact: Callable[[str], str], held: list[Held]
) -> Section:
    """What was corrected in the case, with the earlier and the new values: the person has a
    right to what was held about them, earlier versions too. A correction of an item that is
    held (police or justice) is held with it, for the same reason; one of a professional of
    the police or justice is held as their taking part is; corrections of other family
    members are about other people and left out (their earlier names are not known to the
    redaction)."""
    held_why = {item.key: item.why for item in held}
    led_participants = {
        pk: why_held(author_sector=sector)
        for pk, sector in CaseParticipant.objects.filter(case=case).values_list(
            "pk", "organisation__sector"
        )
    }
    items: list[Item] = []
    for correction in Correction.objects.filter(case=case).order_by("corrected_at", "id"):
        if correction.kind == CorrectedKind.FAMILY_MEMBER and correction.object_id != member.pk:
            continue
        changes = "; ".join(
            f"{capfirst(str(change.get('label', '')))}: "
            f"{redact(str(change.get('before', '')))} → {redact(str(change.get('after', '')))}"
            for change in correction.changes or []
        )
        item: Item = {
            _("Wat"): correction.get_kind_display(),
            label(Correction, "corrected_at"): text(correction.corrected_at),
            _("Dienst"): correction.corrected_by_organisation or "–",
            label(Correction, "reason"): redact(correction.reason),
            _("Eerder en daarna"): changes or "–",
        }
        why = held_why.get(f"{correction.kind}:{correction.object_id}", "")
        if correction.kind == CorrectedKind.PARTICIPANT:
            why = led_participants.get(correction.object_id, "")
        if why:
            held.append(Held(f"correction:{correction.pk}", "correcties", item, why))
        else:
            items.append(item)
    return Section(
        "correcties",
        _("Wat in het dossier gecorrigeerd werd"),
        _(
            "Met de eerdere en de nieuwe versie, wanneer, door welke dienst en waarom. Namen "
            "van andere personen zijn afgeschermd."
        ),
        items,
    )


def _raiser_sectors(case: Case) -> dict[int, str]:
    """The sector each person who raised a flag in ``case`` acts for, as for uploaders: their
    organisation in the case, else a police or justice membership (held back when in doubt),
    else any other membership."""
    raisers = Flag.objects.filter(case=case).values("raised_by_id")
    sectors: dict[int, str] = {}
    for user_id, sector in Membership.objects.filter(user_id__in=raisers).values_list(
        "user_id", "organisation__sector"
    ):
        if sectors.get(user_id) not in LED_SECTORS:
            sectors[user_id] = sector
    for user_id, sector in CaseParticipant.objects.filter(
        case=case, user_id__in=raisers
    ).values_list("user_id", "organisation__sector"):
        sectors[user_id] = sector
    return sectors


def _flags(
    case: Case, member: FamilyMember, redact: Callable[[str], str], held: list[Held]
) -> Section:
    """The flags (signalen) about the person or about the whole family, removed ones too, with
    their reasons: the person has a right to what was held about them. A flag raised for the
    police or justice is held for the officer's decision; flags about other family members are
    about other people and left out."""
    sectors = _raiser_sectors(case)
    items: list[Item] = []
    flags = Flag.objects.filter(case=case).filter(
        Q(family_member__isnull=True) | Q(family_member=member)
    )
    for flag in flags.order_by("raised_at", "id"):
        item: Item = {
            label(Flag, "kind"): redact(flag.label),
            _("Over"): _("U") if flag.family_member_id else _("Het hele gezin"),
            label(Flag, "raised_at"): text(flag.raised_at),
            _("Dienst"): flag.raised_by_organisation or "–",
            label(Flag, "reason"): redact(flag.reason),
            label(Flag, "removed_at"): text(flag.removed_at),
            label(Flag, "removal_reason"): redact(flag.removal_reason) if flag.removed_at else "–",
        }
        why = why_held(author_sector=sectors.get(flag.raised_by_id, ""))
        if why:
            held.append(Held(f"flag:{flag.pk}", "signalen", item, why))
        else:
            items.append(item)
    return Section(
        "signalen",
        _("Signalen in het dossier"),
        _(
            "Waarschuwingen voor wie aan het dossier werkt, over u of over het hele gezin, ook "
            "de verwijderde. Namen van andere personen zijn afgeschermd."
        ),
        items,
    )


def _legal_bases(
    case: Case, member: FamilyMember, redact: Callable[[str], str], held: list[Held]
) -> Section:
    """On which bases information about the family was shared, and with which services: the
    person's own consents by name, another member's as "een ander gezinslid". A consultation
    the procureur des Konings authorised (sharing between police and justice) is held for
    the officer's decision, as the police and justice items are, and so is a basis that covers
    sharing with the police or justice (its list of services would say they are involved)."""
    items: list[Item] = []
    bases = LegalBasis.objects.filter(case=case).prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
    )
    for basis in bases.order_by("given_on", "id"):
        whose = ""
        if basis.consent_of_id is not None:
            whose = _("U") if basis.consent_of_id == member.pk else _("Een ander gezinslid")
        item: Item = {
            label(LegalBasis, "kind"): basis.get_kind_display(),
            label(LegalBasis, "consent_of"): whose or "–",
            label(LegalBasis, "framework_reference"): redact(basis.framework_reference) or "–",
            label(LegalBasis, "purpose"): redact(basis.purpose),
            label(LegalBasis, "organisations"): ", ".join(
                o.name for o in basis.organisations.all()
            ),
            label(LegalBasis, "given_on"): text(basis.given_on),
            label(LegalBasis, "family_informed"): shown(basis, "family_informed"),
            label(LegalBasis, "ended_at"): text(basis.ended_at),
            label(LegalBasis, "end_reason"): redact(basis.end_reason) if basis.ended_at else "–",
        }
        why = ""
        if basis.framework == "prosecutor":
            why = _("Een casusoverleg op machtiging van de procureur des Konings")
        elif any(o.sector in LED_SECTORS for o in basis.organisations.all()):
            why = _("Dekt het delen met politie of justitie")
        if why:
            held.append(Held(f"legal_basis:{basis.pk}", "grondslagen", item, why))
        else:
            items.append(item)
    return Section(
        "grondslagen",
        _("Op welke grondslag informatie werd gedeeld"),
        _(
            "Toestemmingen, casusoverleg (art. 458ter Sw.) en noodtoestand: waarvoor, met welke "
            "diensten en sinds wanneer. Namen van andere personen zijn afgeschermd."
        ),
        items,
    )


def _attendance_of(member: FamilyMember) -> dict[int, str]:
    from ..live_notes.models import Attendance

    return {
        row.meeting_id: row.get_status_display()
        for row in Attendance.objects.filter(family_member=member)
    }


# --- Professional ---------------------------------------------------------------------------


def assemble_for_user(user: Any) -> Assembly:
    with override("nl-be"):
        return _assemble_user(user)


def _assemble_user(user: Any) -> Assembly:
    sections = [
        Section(
            "persoon",
            _("Uw gegevens"),
            "",
            [
                fields(
                    user,
                    [
                        "full_name",
                        "email",
                        "preferred_language",
                        "origin",
                        "date_joined",
                        "is_active",
                    ],
                )
            ],
        ),
        Section(
            "lidmaatschappen",
            _("Uw lidmaatschappen"),
            "",
            [
                {
                    label(Membership, "organisation"): m.organisation.name,
                    **fields(m, ["role", "is_active", "created_at"]),
                }
                for m in Membership.objects.filter(user=user).select_related("organisation")
            ],
            table=True,
        ),
        Section(
            "dossiers",
            _("Dossiers waarbij u betrokken was"),
            _("Het pseudonieme dossiernummer; gegevens over het gezin horen niet bij uw gegevens."),
            [
                {
                    label(Case, "reference"): p.case.reference,
                    label(CaseParticipant, "organisation"): p.organisation.name,
                    **fields(p, ["role_in_case", "is_active", "added_at"]),
                }
                for p in CaseParticipant.objects.filter(user=user).select_related(
                    "case", "organisation"
                )
            ],
            table=True,
        ),
        Section(
            "acties",
            _("Acties op uw naam"),
            "",
            [
                {
                    label(Case, "reference"): a.case.reference,
                    **fields(a, ["due_date", "status"]),
                }
                for a in Action.objects.filter(responsible=user).select_related("case")
            ],
            table=True,
        ),
    ]
    own = AuditEvent.objects.filter(actor=user).only("occurred_at", "action", "outcome")
    groups: Counter[tuple[str, str, str]] = Counter()
    for event in own.order_by("id").iterator(chunk_size=2000):
        groups[
            (_day(event.occurred_at), event.get_action_display(), event.get_outcome_display())
        ] += 1
    sections.append(
        Section(
            "handelingen",
            _("Wat onder uw account gebeurde"),
            _("Uit het toegangslogboek (NEN 7513), per dag en handeling."),
            [
                {_("Datum"): d, _("Handeling"): a, _("Resultaat"): o, _("Aantal keer"): str(n)}
                for (d, a, o), n in groups.items()
            ],
            table=True,
        )
    )
    about = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).exclude(
        actor=user
    )
    sections.append(
        Section(
            "raadplegingen",
            _("Wie uw account behandelde"),
            _("Per dag, organisatie en rol. Medewerkers worden niet bij naam genoemd."),
            _access_log(about.order_by("id")),
            table=True,
        )
    )
    return Assembly(sections, [])
