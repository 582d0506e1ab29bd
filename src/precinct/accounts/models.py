"""Staff accounts with a role and a territorial scope, and API tokens.

Residents never need an account: everything they do is public or reached through a
private tracking link.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a staff user does; access functions decide from role and scope."""

    INSPECTOR = "inspector", _("District inspector")
    PATROL = "patrol", _("Patrol officer")
    OPERATOR = "operator", _("102 operator")
    HEAD = "head", _("Department head")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")
    # Appended for the integrity registry (evaluation): reads and records officers' offences.
    INTERNAL_SECURITY = "internal_security", _("Internal security")
    # The head's deputy: extends the time to answer appeals within the same scope (APPC
    # art. 76 names "the head of the body or his deputy").
    DEPUTY_HEAD = "deputy_head", _("Deputy head")


class StaffUserManager(UserManager):
    """``createsuperuser`` makes a national administrator: the admin's door is the role
    (``access.can_use_admin``), so the first account needs it to set up the others."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A staff member who signs in; scope is a department and everything under it."""

    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True)
    department = models.ForeignKey(
        "territory.Department",
        verbose_name=_("territorial scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_users",
        help_text=_("Empty means the whole country (ministry level)."),
    )
    officer = models.OneToOneField(
        "territory.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    objects = StaffUserManager()


class ApiToken(models.Model):
    """A bearer token for the JSON API, issued at sign-in and valid until it expires."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d}"
