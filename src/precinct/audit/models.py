"""An append-only record of who read or changed which personal data, and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to alter or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One access to personal data: actor, action, subject and the fields involved."""

    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        SIGN_IN = "sign_in", _("Sign-in")
        SIGN_IN_FAILED = "sign_fail", _("Failed sign-in")
        SIGN_OUT = "sign_out", _("Sign-out")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the entry stays readable if the account is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action)
    subject_type = models.CharField(max_length=60, db_index=True)
    subject_id = models.CharField(max_length=40, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    context = models.CharField(max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        subject = f"{self.subject_type}#{self.subject_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class PurgeWindow(models.Model):
    """While a row exists, the database lets old audit entries be deleted (retention only).

    Updates stay refused always. Only ``audit_purge`` opens and closes a window, inside
    one transaction, and records the purge itself in the log.
    """

    opened_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"purge window since {self.opened_at:%Y-%m-%d %H:%M}: {self.reason}"
