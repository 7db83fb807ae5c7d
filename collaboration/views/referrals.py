"""Referrals (aanmeldingen) and the consult inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.security.once import PENDING, claim, new_token, release, remember

from ..access import NotFoundOrNotAllowed, actor_profile
from ..choices import ConsultStatus, LifeDomain, ReferralStatus, Urgency, ViolenceForm
from ..forms import (
    ConsultAnswerForm,
    ReferralAcceptForm,
    ReferralDeclineForm,
    ReferralForm,
)
from ..selectors.people import directors_of_region, organisations_of
from ..selectors.referrals import consult_access, consult_inbox, referral_access, referral_list
from ..services.consults import consult_request_answer, consult_request_close
from ..services.referrals import referral_accept, referral_decline, referral_submit
from .base import ActorRule, ServiceFormView


class ReferralListView(TemplateView):
    actor_rule = ActorRule.MEMBER_AREA
    template_name = "collaboration/referral_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        pending, mine = referral_list(user=self.request.user)
        profile = actor_profile(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "pending": pending,
            "mine": mine,
            "is_coordinator": profile.is_coordinator,
            "is_member": profile.is_member,
        }


class ReferralCreateView(ServiceFormView):
    actor_rule = ActorRule.MEMBER
    form_class = ReferralForm
    title = _("Een gezin aanmelden bij Veilig Huis")
    intro = _(
        "Alleen professionals kunnen aanmelden. Een aanmelding past als aan de drie "
        "aanmeldingsvoorwaarden voldaan is; licht elke voorwaarde kort toe. Vermeld alleen de "
        "gegevens die nodig zijn."
    )
    submit_label = _("Aanmelding versturen")
    success_message = _("De aanmelding is verstuurd. U krijgt een melding als er beslist is.")
    consult = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.profile = actor_profile(request.user)
        if not self.profile.is_member:
            raise NotFoundOrNotAllowed
        if "consult_id" in kwargs:
            self.consult, _profile = consult_access(
                user=request.user, consult_id=kwargs["consult_id"]
            )
            if self.consult.status in (ConsultStatus.CONVERTED, ConsultStatus.CLOSED):
                raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": organisations_of(self.profile),
        }

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "once": new_token()}

    def perform(self, form: forms.Form) -> str:
        data = dict(form.cleaned_data)
        token = data.pop("once")
        scope = f"referral:{self.request.user.pk}"
        previous = claim(scope, token)
        if previous is not None:  # sent twice: answer as the first time, create nothing
            return previous if previous != PENDING else reverse("collaboration:referral_list")
        try:
            referral = referral_submit(actor=self.request.user, consult=self.consult, **data)
        except Exception:
            release(scope, token)
            raise
        url = reverse("collaboration:referral_detail", args=[referral.pk])
        remember(scope, token, url)
        return url


class ReferralDetailView(TemplateView):
    actor_rule = ActorRule.REFERRAL_READ
    template_name = "collaboration/referral_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        referral, profile = referral_access(
            user=self.request.user, referral_id=kwargs["referral_id"]
        )
        may_decide = (
            referral.region in profile.coordinator_regions
            and referral.status == ReferralStatus.SUBMITTED
        )
        return {
            **super().get_context_data(**kwargs),
            "referral": referral,
            "violence_labels": [ViolenceForm(v).label for v in referral.violence_forms],
            "domain_labels": [LifeDomain(v).label for v in referral.life_domains],
            "urgency_label": Urgency(referral.urgency).label,
            "may_decide": may_decide,
            "case": getattr(referral, "case", None) if referral.status == "accepted" else None,
        }


class _DecisionView(ServiceFormView):
    actor_rule = ActorRule.COORDINATOR

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.referral, profile = referral_access(
            user=request.user, referral_id=kwargs["referral_id"]
        )
        if self.referral.region not in profile.coordinator_regions:
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)


class ReferralAcceptView(_DecisionView):
    form_class = ReferralAcceptForm
    title = _("Aanmelding aanvaarden")
    intro = _("Er wordt een dossier geopend en de casusregisseur wordt verwittigd.")
    submit_label = _("Aanvaarden en dossier openen")
    success_message = _("De aanmelding is aanvaard en het dossier is geopend.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "directors": directors_of_region(self.referral.region)}

    def perform(self, form: forms.Form) -> str:
        case = referral_accept(
            actor=self.request.user,
            referral=self.referral,
            case_director=form.cleaned_data["case_director"],
        )
        return reverse("collaboration:case_detail", args=[case.reference])


class ReferralDeclineView(_DecisionView):
    form_class = ReferralDeclineForm
    title = _("Aanmelding niet aanvaarden")
    intro = _("De aanmelder krijgt een melding en leest uw reden en advies in het portaal.")
    submit_label = _("Niet aanvaarden")
    success_message = _("De aanmelding is niet aanvaard; de aanmelder is verwittigd.")
    danger = True

    def perform(self, form: forms.Form) -> str:
        referral_decline(actor=self.request.user, referral=self.referral, **form.cleaned_data)
        return reverse("collaboration:referral_detail", args=[self.referral.pk])


# --- Consult inbox -----------------------------------------------------------------------


class ConsultInboxView(TemplateView):
    actor_rule = ActorRule.COORDINATOR
    template_name = "collaboration/consult_inbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", "")
        return {
            **super().get_context_data(**kwargs),
            "consults": consult_inbox(user=self.request.user, status=status),
            "statuses": ConsultStatus.choices,
            "status": status,
        }


class ConsultDetailView(ServiceFormView):
    actor_rule = ActorRule.COORDINATOR
    template_name = "collaboration/consult_detail.html"
    form_class = ConsultAnswerForm
    submit_label = _("Antwoord bewaren")
    success_message = _("Het antwoord is bewaard.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.consult, _profile = consult_access(user=request.user, consult_id=kwargs["consult_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"answer": self.consult.answer}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "consult": self.consult}

    def perform(self, form: forms.Form) -> str:
        consult_request_answer(
            actor=self.request.user, consult=self.consult, answer=form.cleaned_data["answer"]
        )
        return reverse("collaboration:consult_detail", args=[self.consult.pk])


class ConsultCloseView(ServiceFormView):
    actor_rule = ActorRule.COORDINATOR
    form_class = forms.Form
    title = _("Consultvraag afsluiten")
    submit_label = _("Afsluiten")
    success_message = _("De consultvraag is afgesloten.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.consult, _profile = consult_access(user=request.user, consult_id=kwargs["consult_id"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: forms.Form) -> str:
        consult_request_close(actor=self.request.user, consult=self.consult)
        return reverse("collaboration:consult_inbox")


class ConsultConvertView(ReferralCreateView):
    actor_rule = ActorRule.COORDINATOR
    title = _("Consultvraag omzetten in een aanmelding")
    intro = _(
        "Vul de aanmelding aan met wat de professional vertelde. De consultvraag krijgt de "
        "status 'omgezet in aanmelding'."
    )
