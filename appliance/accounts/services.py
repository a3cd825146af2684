"""What people do with their own account, and what an admin does to lift a lockout."""
from appliance.accounts import throttle


def is_locked_out(user):
    return throttle.is_username_locked_out(user.get_username())


def unlock_user(user):
    """Clear the login locks that keep this user out: the per-account count and the per-address
    counts of every address the user failed from (those addresses may try again too).
    Returns the addresses that were unlocked."""
    return throttle.unlock_username(user.get_username())
