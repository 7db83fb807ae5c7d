"""Audit event codes: an explicit enum with stable integer codes (never renumber, only add)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.IntegerChoices):
    # 1xx: authentication and account security
    SIGN_IN_SUCCEEDED = 100, _("Aangemeld")
    SIGN_IN_FAILED = 101, _("Aanmelden mislukt")
    SECOND_FACTOR_SUCCEEDED = 102, _("Tweede stap geslaagd")
    SECOND_FACTOR_FAILED = 103, _("Tweede stap mislukt")
    LOCKED_OUT = 104, _("Geblokkeerd na te veel pogingen")
    SIGNED_OUT = 105, _("Afgemeld")
    SIGNED_OUT_EVERYWHERE = 106, _("Overal afgemeld")
    SESSION_EXPIRED = 107, _("Sessie verlopen")
    DEVICE_ADDED = 110, _("Authenticator-app toegevoegd")
    DEVICE_REMOVED = 111, _("Authenticator-app verwijderd")
    BACKUP_CODES_RENEWED = 112, _("Reservecodes vernieuwd")
    PASSWORD_CHANGED = 113, _("Wachtwoord gewijzigd")
    PASSWORD_RESET = 114, _("Wachtwoord hersteld")
    INVITATION_SENT = 120, _("Uitnodiging verstuurd")
    INVITATION_ACCEPTED = 121, _("Uitnodiging aanvaard")
    MEMBER_DEACTIVATED = 122, _("Lid gedeactiveerd")
    MEMBER_APPROVED = 123, _("Lidmaatschap goedgekeurd")
    MEMBER_REFUSED = 124, _("Lidmaatschap geweigerd")
    # 13x: a learner's own rights (portal.accounts.rights)
    LEARNER_DATA_DOWNLOADED = 130, _("Eigen vormingsgegevens gedownload")
    ACCOUNT_ERASED = 131, _("Account verwijderd op verzoek")
    # 2xx: reading case data
    CASE_VIEWED = 200, _("Dossier bekeken")
    CASE_LIST_VIEWED = 201, _("Dossierlijst bekeken")
    CASE_SEARCHED = 202, _("Dossiers doorzocht")
    DOCUMENT_DOWNLOADED = 203, _("Document gedownload")
    EXPORTED = 204, _("Gegevens geëxporteerd")
    PRINTED = 205, _("Afgedrukt")
    LIVE_NOTES_JOINED = 206, _("Live notities geopend")
    REFERRAL_VIEWED = 207, _("Aanmelding bekeken")
    CONSULT_VIEWED = 208, _("Consultvraag bekeken")
    BREAK_THE_GLASS = 209, _("Noodtoegang gebruikt")
    AUDIT_VIEWED = 210, _("Auditlogboek bekeken")
    TRAINING_REPORT_VIEWED = 211, _("Vormingsrapport bekeken")
    # 3xx: changing case data
    CASE_CHANGED = 300, _("Dossier gewijzigd")
    LIVE_NOTES_UPDATED = 301, _("Live notities gewijzigd")
    REFERRAL_SUBMITTED = 302, _("Aanmelding ingediend")
    REFERRAL_ACCEPTED = 303, _("Aanmelding aanvaard")
    REFERRAL_DECLINED = 304, _("Aanmelding niet aanvaard")
    CASE_PHASE_CHANGED = 305, _("Fase van dossier gewijzigd")
    CASE_CLOSED = 306, _("Dossier afgesloten")
    CASE_REOPENED = 307, _("Dossier heropend")
    DOCUMENT_UPLOADED = 308, _("Document toegevoegd")
    CONSULT_HANDLED = 309, _("Consultvraag behandeld")
    CASE_PARTICIPANT_CHANGED = 310, _("Betrokkenen van dossier gewijzigd")
    # 4xx: retention (collaboration.services.retention_runs)
    RETENTION_PROPOSED = 400, _("Bewaartermijnen: voorstel klaargezet")
    RETENTION_CONFIRMED = 401, _("Bewaartermijnen: voorstel bevestigd")
    RETENTION_APPLIED = 402, _("Bewaartermijnen: ronde uitgevoerd")
    CASE_ANONYMISED = 403, _("Dossier geanonimiseerd")
    ORPHANED_FILES_REMOVED = 404, _("Verweesde bestanden verwijderd")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Toegestaan")
    DENIED = "denied", _("Geweigerd")
