"""The one way to guard a staff page: sign in first, then the access rule decides.

Pages call ``staff_page(rule)`` with a function of ``accounts/access.py`` that takes the
user; an anonymous visitor is sent to the sign-in page (and back), signed-in users the
rule refuses get the site's 403 page. Object-level rules (this appeal, this incident) are
checked inside the view with the same module's functions.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from precinct.accounts import access


def staff_page(rule: Callable[[object], bool] = access.is_staff_member):
    """Decorate a view so that only signed-in users passing ``rule`` reach it."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:login')}?{query}")
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
