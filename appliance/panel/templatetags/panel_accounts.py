"""What the users page asks about an account beyond its fields."""
from django import template

from appliance.accounts.services import is_locked_out

register = template.Library()


@register.filter
def locked_out(account):
    """True while too many failed logins keep this account out."""
    return is_locked_out(account)
