"""One correction form per kind of item (``services.corrections.CORRECTABLE``), each its own
view class so the URL-by-actor test reads who may open it from ``actor_rule``.

The item comes from ``selectors.corrections.correctable`` after the case was opened through the
audited selector: an item the viewer does not see or may not correct is "not found"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from ..access import Basis, NotFoundOrNotAllowed, can_contribute, can_direct
from ..choices import CorrectedKind
from ..forms_corrections import CORRECTION_FORMS
from ..selectors.case_forms import case_people
from ..selectors.corrections import correctable
from ..services.corrections import CORRECTABLE, correct, display, item_version
from .base import ActorRule, CaseFormView

INTRO = _(
    "Pas aan wat niet klopt. De eerdere versie blijft zichtbaar voor wie het item ziet, met wie "
    "ze corrigeerde, wanneer en waarom."
)


class CorrectionView(CaseFormView):
    """Correct one item of ``kind``; ``url_kwarg`` names its id in the URL."""

    kind: ClassVar[str]
    url_kwarg: ClassVar[str]
    intro = INTRO
    submit_label = _("Correctie bewaren")
    success_message = _("De correctie is bewaard; de eerdere versie blijft zichtbaar.")
    item: Any
    people: list[Any]

    def authorise(self) -> None:
        self.item = correctable(self.access, self.kind, self.kwargs[self.url_kwarg])
        if self.item is None:
            raise NotFoundOrNotAllowed
        self.people = case_people(self.case) if self.kind == CorrectedKind.ACTION else []
        responsible = getattr(self.item, "responsible", None)
        if responsible is not None and responsible not in self.people:
            # named before they left the case: kept unless the correction chooses another
            self.people = [*self.people, responsible]

    @property
    def anchor(self) -> str:  # type: ignore[override]
        return CORRECTABLE[self.kind].anchor

    def get_form_class(self) -> Any:
        return CORRECTION_FORMS[self.kind]

    def form_extra(self) -> dict[str, Any]:
        return {"people": self.people} if self.kind == CorrectedKind.ACTION else {}

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": item_version(self.kind, self.item)}
        for name in CORRECTABLE[self.kind].fields:
            field = self.item._meta.get_field(name)
            value = getattr(self.item, field.attname)
            initial[name] = "" if value is None else value
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        fields = CORRECTABLE[self.kind].fields
        return {**super().get_context_data(**kwargs), "subject": display(self.item, fields[0])}

    def perform(self, form: Any) -> None:
        data = dict(form.cleaned_data)
        if self.kind == CorrectedKind.ACTION:
            people = {str(u.pk): u for u in self.people}
            data["responsible"] = people.get(data.get("responsible") or "")
        correct(
            actor=self.request.user,
            case=self.case,
            kind=self.kind,
            object_id=self.item.pk,
            values=data,
            reason=data["reason"],
            version=data.get("version", ""),
        )


class FamilyMemberCorrectionView(CorrectionView):
    """Correct a family member's name, year of birth or role: the director and coordinators."""

    kind = CorrectedKind.FAMILY_MEMBER
    url_kwarg = "family_member_id"
    actor_rule = ActorRule.CASE_DIRECT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_direct)
    title = _("Gezinslid corrigeren")


class ParticipantCorrectionView(CorrectionView):
    """Correct a professional's role and task division: the director and coordinators."""

    kind = CorrectedKind.PARTICIPANT
    url_kwarg = "participant_id"
    actor_rule = ActorRule.CASE_DIRECT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_direct)
    title = _("Rol en taak van een betrokkene corrigeren")


class GoalCorrectionView(CorrectionView):
    """Correct a goal of the plan: the director and coordinators."""

    kind = CorrectedKind.GOAL
    url_kwarg = "goal_id"
    actor_rule = ActorRule.CASE_DIRECT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_direct)
    title = _("Doel corrigeren")


class ActionCorrectionView(CorrectionView):
    """Correct an action: its owning service, the director and coordinators."""

    kind = CorrectedKind.ACTION
    url_kwarg = "action_id"
    actor_rule = ActorRule.ACTION_CHANGE
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_contribute)
    title = _("Actie corrigeren")


class TimelineEntryCorrectionView(CorrectionView):
    """Correct a timeline entry: its author, the director and coordinators."""

    kind = CorrectedKind.TIMELINE_ENTRY
    url_kwarg = "entry_id"
    actor_rule = ActorRule.ITEM_RETRACT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_contribute)
    title = _("Tijdlijnitem corrigeren")


class DocumentCorrectionView(CorrectionView):
    """Correct a document's title: its uploader, the director and coordinators."""

    kind = CorrectedKind.DOCUMENT
    url_kwarg = "document_id"
    actor_rule = ActorRule.ITEM_RETRACT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_contribute)
    title = _("Titel van een document corrigeren")


CORRECTION_VIEWS: dict[str, tuple[str, str, type[CorrectionView]]] = {
    # kind: (URL segment, URL kwarg, view)
    view.kind: (segment, view.url_kwarg, view)
    for segment, view in (
        ("gezin", FamilyMemberCorrectionView),
        ("betrokkenen", ParticipantCorrectionView),
        ("plan/doel", GoalCorrectionView),
        ("plan/actie", ActionCorrectionView),
        ("tijdlijn", TimelineEntryCorrectionView),
        ("documenten", DocumentCorrectionView),
    )
}
