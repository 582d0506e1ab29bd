"""Staff sign-in and sign-out, and the way to each role's start page."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.accounts.landing import start_page


class SignInView(auth_views.LoginView):
    """Django's sign-in; without a ``next`` the staff member lands on his start page."""

    template_name = "accounts/login.html"

    def get_default_redirect_url(self):
        return start_page(self.request.user)


SignOutView = auth_views.LogoutView


@require_GET
@staff_page(access.is_staff_member)
def start(request):
    """The menu's "My start page": each role's own first page."""
    return redirect(start_page(request.user))
