"""Who may do what. Views, APIs and consumers ask these instead of testing fields themselves."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def is_admin(user):
    return bool(user and user.is_authenticated and getattr(user, "is_admin", False))


def admin_required(view):
    """Anonymous → login page; a logged-in staff member → 403 page."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied("This page is for administrators.")
        return view(request, *args, **kwargs)

    return login_required(checked)


def visible_jobs(user, queryset):
    """The jobs a user may list: all for admins, their own for staff."""
    if is_admin(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(owner=user)
