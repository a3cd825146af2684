"""The navigation bar: a fixed list of url names, shown only when the url exists (an app that
is not installed yet simply has no entry) and only to the people allowed to use it."""
from django.urls import NoReverseMatch, reverse

from appliance.accounts.permissions import is_admin

# (label, url name, admins only)
NAVIGATION = (
    ("Upload", "webui:upload", False),
    ("Jobs", "webui:jobs", False),
    ("Search", "webui:search", False),
    ("Live", "live:index", False),
    ("API tokens", "tokens:index", False),
    ("Panel", "panel:index", True),
    ("Updates", "updater:index", True),
    ("Benchmarks", "benchmarks:index", True),
)


def navigation_for(user, current_path=""):
    if not user.is_authenticated:
        return []
    entries = []
    for label, url_name, admins_only in NAVIGATION:
        if admins_only and not is_admin(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": label, "url": url, "active": False})
    # One entry is highlighted: the longest url the path is under (Benchmarks, not also the Panel
    # it sits below).
    matching = [entry for entry in entries
                if current_path == entry["url"] or (entry["url"] != "/" and current_path.startswith(entry["url"]))]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    return entries
