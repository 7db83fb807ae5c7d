"""Storage of the live notes: the update log, its snapshots, open connections (presence),
confidentiality acknowledgements, agenda, attendance and the finalised minutes.

The Yjs document of a meeting is the latest snapshot merged with every update not yet folded
into a snapshot. Updates keep their metadata (who, device, connection, when, size) after
compaction; only their bytes move into the snapshot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.models import Meeting, Organisation


class NoteUpdate(models.Model):
    """One Yjs update as a client sent it (an append-only log)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="note_updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=100, blank=True)
    connection_id = models.CharField(max_length=32)
    received_at = models.DateTimeField(default=timezone.now)
    size = models.PositiveIntegerField()
    # Emptied once the update is folded into a snapshot (``snapshot`` then says which).
    data = models.BinaryField(blank=True)
    snapshot = models.ForeignKey(
        "NoteSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notitie-wijziging")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["meeting", "id"],
                condition=models.Q(snapshot__isnull=True),
                name="live_notes_update_pending",
            )
        ]

    def __str__(self) -> str:
        return f"update {self.pk} ({self.size} B)"


class NoteSnapshot(models.Model):
    """The merged state of a meeting's notes up to a compaction; the newest one counts."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="note_snapshots")
    state = models.BinaryField()
    size = models.PositiveIntegerField()
    update_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["meeting", "-id"])]

    def __str__(self) -> str:
        return f"snapshot {self.pk} ({self.size} B)"


class NotesVolume(models.Model):
    """How many bytes of updates a meeting's notes have stored in all.

    Every accepted update counts and keeps counting: the log keeps its metadata and the
    snapshot its bytes. The append (``live_notes_store`` on PostgreSQL, the Python path
    elsewhere) adds to it in the transaction that stores the updates, under the meeting's row
    lock, and refuses a batch that would pass ``LIVE_NOTES_MAX_STORED_BYTES``: one O(1) row
    instead of summing the log on every keystroke.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stored_bytes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stored_bytes} B stored"


class LiveConnection(models.Model):
    """An open, authenticated socket on a meeting: the server's view of who is present.

    The serving consumer refreshes ``seen_at`` on a heartbeat; a row whose process died without
    a goodbye stops being refreshed, stops counting as present and is pruned by a periodic task.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    can_edit = models.BooleanField(default=False)
    connected_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["meeting", "user"])]

    def __str__(self) -> str:
        return f"connection {self.pk}"


class Acknowledgement(models.Model):
    """A participant acknowledged the confidentiality statement before joining the notes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement_version = models.PositiveSmallIntegerField(default=1)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="live_notes_ack_unique"),
        ]

    def __str__(self) -> str:
        return f"acknowledgement {self.pk}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("agendapunt"), max_length=200)

    class Meta:
        verbose_name = _("agendapunt")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Aanwezig")
    APOLOGIES = "apologies", _("Verontschuldigd")
    ABSENT = "absent", _("Afwezig")


class Attendance(models.Model):
    """Who attended for which organisation, or sent apologies; family members by role only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family_member = models.ForeignKey(
        "collaboration.FamilyMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("aanwezigheid"), max_length=10, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aanwezigheid")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, family_member__isnull=True)
                | models.Q(user__isnull=True, family_member__isnull=False),
                name="live_notes_attendance_one_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="live_notes_attendance_user_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "family_member"],
                condition=models.Q(family_member__isnull=False),
                name="live_notes_attendance_family_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}"


class Minutes(models.Model):
    """The immutable minutes of a finalised meeting; the hashes are shown to every reader."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    html = models.TextField()
    html_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    state = models.BinaryField()
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verslag")

    def __str__(self) -> str:
        return f"minutes {self.meeting_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Minutes are immutable once written.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
