from django import forms
from django.contrib.auth.forms import AuthenticationForm

from appliance.accounts import known_browser, throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses before checking the password once too many attempts failed (appliance.accounts.throttle)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": "Too many failed logins. Try again in %(minutes)s minutes.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if throttle.is_locked_out(username, address, known_browser.is_known(self.request, username)):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": throttle.lockout_minutes()},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear_failures(username, address)
        return cleaned


def client_address(request):
    # REMOTE_ADDR is the X-Forwarded-For client only behind a trusted proxy (appliance.plumbing.trusted_proxies).
    return (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"
