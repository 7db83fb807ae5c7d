"""Erasure of a learner's account at their own request (GDPR art. 17), from "Mijn account".

The user row stays, anonymised: the append-only audit trail refers to it (``PROTECT``), so its
id becomes a pseudonym for the events it took part in. Everything else about the person goes,
in one transaction (nothing is half-deleted):

- the rows every side registered as theirs (``portal.accounts.rights_registry``: today the
  training records; certificates kept without the name, or revoked, as they choose);
- every row of any other app that a deletion of the user would cascade to (second-factor
  devices, Wagtail's user profile, notifications, presence ...) is deleted, and every nullable
  pointer to them is emptied: found from the user model's relations, not listed by hand;
- django-auditlog's change history of the account and of those rows is scrubbed, and
  entries they made lose their name, address and port; Django admin's and Wagtail's log entries
  about the account lose its name;
- django-axes' sign-in records under their address, and finished background-task records that
  carry it, are deleted;
- the account: e-mail address replaced by ``verwijderd-<id>@verwijderd.invalid``, name emptied,
  unusable password, inactive, no staff rights, no groups; the session stamp is rotated, so
  every session ends, and their live connections are closed.

Refused, with a reason the person can read, for anyone whose account is also used for case
work or site administration (a membership, staff, superuser, a Wagtail editor) or that any
record other than the audit trail protects: their accounts are removed by an organisation
admin, because case records refer to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event
from portal.organisations.models import Membership

from .models import User
from .rights_registry import CertificateChoice, ErasureReport, erase_everywhere
from .signals import end_other_sessions

logger = logging.getLogger(__name__)

SCRUBBED = "[geanonimiseerd]"
ERASED_DOMAIN = "verwijderd.invalid"
# The audit trail keeps its rows (append-only); its pointer is the pseudonymous id.
KEPT_POINTERS = frozenset({"audit.AuditEvent.actor"})


class ErasureRefused(Exception):
    """The account may not be erased here; ``message`` is Dutch and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def erased_email(user_id: int) -> str:
    return f"verwijderd-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    return str(user.email).endswith("@" + ERASED_DOMAIN)


@dataclass(frozen=True)
class Pointer:
    """One foreign key (or one-to-one) to the user model."""

    model: type[models.Model]
    field: models.Field[Any, Any]

    @property
    def name(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def on_delete(self) -> Callable[..., Any] | None:
        """Compared by identity with ``models.CASCADE``, ``models.PROTECT`` and the like."""
        relation = self.field.remote_field
        return relation.on_delete if relation is not None else None  # foreign keys have one


def pointers_to_user() -> list[Pointer]:
    """Every concrete foreign key and one-to-one to the user model, in every installed app
    (many-to-many through tables included: they are models with foreign keys)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if (f.many_to_one or f.one_to_one) and f.related_model is User:
                found.append(Pointer(model, f))
    return found


def refusal_reason(user: User) -> str | None:
    """Why this account cannot be erased by its owner, or None when it can."""
    message = _(
        "U kunt dit account niet zelf verwijderen, omdat het ook gebruikt wordt voor de "
        "samenwerking rond dossiers of voor het beheer van de website: dossiers en andere "
        "verslagen verwijzen naar u. Vraag de beheerder van uw organisatie om uw account te "
        "verwijderen."
    )
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return message
    if Membership.objects.filter(user=user).exists():
        return message
    for pointer in pointers_to_user():
        if pointer.name in KEPT_POINTERS or pointer.on_delete is not models.PROTECT:
            continue
        if pointer.model._default_manager.filter(**{pointer.field.name: user}).exists():
            return message
    return None


def _content_type(label: str) -> ContentType | None:
    app_label, _dot, model_name = label.partition(".")
    return ContentType.objects.filter(app_label=app_label, model=model_name.lower()).first()


def _about(rows: dict[str, list[Any]], type_field: str, id_field: str) -> Q:
    condition = Q(pk__in=[])
    for label, ids in rows.items():
        content_type = _content_type(label)
        if content_type is not None and ids:
            condition |= Q(**{type_field: content_type, f"{id_field}__in": [str(i) for i in ids]})
    return condition


def _scrub_history(user: User, rows: dict[str, list[Any]]) -> int:
    """Empty the change history of ``rows`` (label -> primary keys) and take the person out of
    the entries they made. Returns how many django-auditlog entries were changed."""
    from auditlog.models import LogEntry

    about = LogEntry.objects.filter(_about(rows, "content_type", "object_pk"))
    changed: int = about.update(
        object_repr=SCRUBBED,
        changes_text="",
        changes={},
        serialized_data=None,
        additional_data=None,
        actor_email="",
        remote_addr=None,
        remote_port=None,
    )
    changed += LogEntry.objects.filter(actor=user).update(
        actor=None, actor_email="", remote_addr=None, remote_port=None
    )
    account = {User._meta.label: [user.pk]}
    apps.get_model("admin", "LogEntry").objects.filter(
        _about(account, "content_type", "object_id")
    ).update(object_repr=SCRUBBED, change_message="")
    apps.get_model("wagtailcore", "ModelLogEntry").objects.filter(
        _about(account, "content_type", "object_id")
    ).update(label=SCRUBBED, data={})
    return changed


def _delete_sign_in_records(email: str) -> int:
    """django-axes keys its records on the address; finished background tasks may carry it
    (the sign-up e-mail's arguments)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    count = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count += model.objects.filter(username__iexact=email).delete()[0]
    count += (
        DBTaskResult.objects.filter(args_kwargs__icontains=email)
        .exclude(status="RUNNING")
        .delete()[0]
    )
    return count


def _send_confirmation(address: str, language: str) -> None:
    """After commit, straight from this process: a queued task would keep the address in the
    task table. A failed send is logged, never shown: the erasure has happened."""
    try:
        with translation.override(language):
            subject = _("Uw account bij Veilig Huis is verwijderd")
            body = render_to_string("accounts/email/account_erased.txt", {})
        send_mail(subject, body, None, [address])
    except Exception:  # the erasure stands; the operator sees the log
        logger.exception("Account erasure: the confirmation e-mail could not be sent")


def erase_account(*, user: User, certificates: CertificateChoice) -> ErasureReport:
    """Erase ``user`` as the module docstring says, in one transaction, and record it.

    Raises ``ErasureRefused`` (nothing changed) for accounts an organisation admin removes.
    """
    address, language = user.email, user.preferred_language
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        reason = refusal_reason(locked)
        if reason is not None:
            raise ErasureRefused(reason)
        report = erase_everywhere(user=locked, certificates=certificates)
        report.touched[User._meta.label] = [locked.pk]
        history = _scrub_history(locked, report.touched)

        with disable_auditlog():
            for pointer in pointers_to_user():
                if pointer.name in KEPT_POINTERS or pointer.model is User:
                    continue
                rows = pointer.model._default_manager.filter(**{pointer.field.name: locked})
                if pointer.on_delete is models.CASCADE:
                    count = rows.count()
                    if count:
                        rows.delete()
                        report.deleted[pointer.model._meta.label] = (
                            report.deleted.get(pointer.model._meta.label, 0) + count
                        )
                elif pointer.field.null:
                    rows.update(**{pointer.field.name: None})
        sign_in_records = _delete_sign_in_records(address)

        User.objects.filter(pk=locked.pk).update(
            email=erased_email(locked.pk),
            full_name="",
            password=make_password(None),
            is_active=False,
            is_staff=False,
            is_superuser=False,
            email_verified_at=None,
            last_login=None,
        )
        end_other_sessions(locked.pk, user)  # rotates the stamp, closes sockets on commit
        record_event(
            action=AuditAction.ACCOUNT_ERASED,
            actor=locked,
            actor_label=erased_email(locked.pk),
            object_type="user",
            object_id=locked.pk,
            extra={
                "certificates": str(certificates),
                "certificates_kept": report.certificates_kept,
                "certificates_revoked": report.certificates_revoked,
                "deleted": report.deleted,
                "history_entries_scrubbed": history,
                "sign_in_records_deleted": sign_in_records,
            },
        )
        transaction.on_commit(lambda: _send_confirmation(address, language))
    return report


def record_refusal(*, user: User) -> None:
    """A refused erasure is recorded too (the account stays as it is)."""
    record_event(
        action=AuditAction.ACCOUNT_ERASED,
        outcome=Outcome.DENIED,
        actor=user,
        object_type="user",
        object_id=user.pk,
    )
