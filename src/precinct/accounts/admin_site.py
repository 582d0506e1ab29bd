"""The Django admin, let in and scoped by the rules of ``accounts/access.py``.

Django's own flags (``is_staff``, ``is_superuser`` and per-model permissions) would be a
second set of rules beside access.py that drifts from it: an account whose role changed
kept its flags. Here the site asks ``access.can_use_admin``, and every model admin built
on ``AccessAdmin`` asks the same rule (or a narrower one, per department).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError

from precinct.accounts import access


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing accounts the access rule refuses."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not access.can_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PrecinctAdminSite(admin.AdminSite):
    """The admin site whose door is ``access.can_use_admin``."""

    login_form = AdminLoginForm

    def has_permission(self, request):
        return access.can_use_admin(request.user)


class AccessAdmin(admin.ModelAdmin):
    """A model admin whose permissions come from access.py, not from Django's flags.

    Subclasses narrow the rule per object (``may_change``) and per row (``get_queryset``).
    """

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request):
        return access.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user) and (obj is None or self.may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def may_change(self, request, obj) -> bool:
        """The object-level rule; every object an administrator sees, unless narrowed."""
        return True


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted through this admin, not even by an administrator
    (logs, counts, history): put it before ``AccessAdmin`` or ``AccessInline``, which still
    decide who may see the rows."""

    def has_add_permission(self, request, obj=None):  # an inline's is asked with its parent
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TerritoryAdmin(AccessAdmin):
    """Rows of a department: administrators see and change those of their scope
    (``access.can_edit_territory``) and choose departments only from it."""

    # The ORM path from a row to its department ("" when the row is the department).
    department_field = "department"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.has_national_scope(request.user):
            return queryset
        lookup = f"{self.department_field}__in" if self.department_field else "pk__in"
        return queryset.filter(**{lookup: access.departments_in_scope(request.user)})

    def may_change(self, request, obj) -> bool:
        department = obj
        for step in filter(None, self.department_field.split("__")):
            department = getattr(department, step) if department is not None else None
        if department is None:  # a row of no department (a population point): national
            return access.has_national_scope(request.user)
        return access.can_edit_territory(request.user, department)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field:
            kwargs["queryset"] = access.departments_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The row as it will be saved (a department chosen through a raw id included).
        if not self.may_change(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class AccessInline(admin.TabularInline):
    """An inline table whose permissions, like ``AccessAdmin``'s, come from access.py."""

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.can_use_admin(request.user)
