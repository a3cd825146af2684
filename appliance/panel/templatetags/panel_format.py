"""Sizes and durations the way an admin reads them."""
import json

from django import template

register = template.Library()
MB = 2**20


def _size(megabytes):
    if megabytes >= 10 * 1024:
        return f"{megabytes / 1024:.0f} GB"
    if megabytes >= 1024:
        return f"{megabytes / 1024:.1f} GB"
    return f"{megabytes:.0f} MB"


@register.filter
def megabytes(size_bytes):
    """Bytes → "812 MB" / "1.4 GB"; empty for nothing."""
    if size_bytes in (None, ""):
        return ""
    return _size(int(size_bytes) / MB)


@register.filter
def mb(size_mb):
    """A size already in MB → "812 MB" / "1.4 GB"."""
    if size_mb in (None, ""):
        return ""
    return _size(float(size_mb))


@register.filter
def seconds(value):
    if value in (None, ""):
        return ""
    value = int(value)
    if value < 120:
        return f"{value} s"
    if value < 7200:
        return f"{value // 60} min"
    if value < 2 * 86400:
        return f"{value // 3600} h {value % 3600 // 60} min"
    return f"{value // 86400} days"


@register.filter
def as_json(value):
    """Audit before/after as readable JSON (sorted keys, real umlauts)."""
    if value is None:
        return "—"
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
