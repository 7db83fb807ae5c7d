"""Meetings of a case, made by its case director."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from collaboration.models import Meeting, MeetingKind
from tests.factories.cases import CaseFactory


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    kind = MeetingKind.NETWORK
    starts_at = factory.LazyFunction(timezone.now)
    place = "Vergaderzaal 2 (fictief)"
    created_by = factory.SelfAttribute("case.case_director")

    @factory.post_generation
    def invitees(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.invitees.add(*extracted)
