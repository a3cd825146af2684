"""The certificate-expiry banner on every page an admin sees (settings TEMPLATES context_processors)."""
import threading

from appliance.accounts.permissions import is_admin
from appliance.panel import certificates, tls

_cache_lock = threading.Lock()
_cache = {}  # (path, mtime_ns, size) -> CertificateInfo or None


def _installed_certificate():
    # A stat per page instead of parsing PEM per page; a newly installed file changes mtime/size.
    path = certificates.tls_dir() / tls.CERTIFICATE_FILE_NAME
    try:
        status = path.stat()
    except OSError:
        return None
    key = (str(path), status.st_mtime_ns, status.st_size)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    info, _ = certificates.installed_certificate()
    with _cache_lock:
        _cache.clear()
        _cache[key] = info
    return info


def tls_expiry_warning(request):
    user = getattr(request, "user", None)
    if not is_admin(user):
        return {}
    info = _installed_certificate()
    if info is None:
        return {}
    # Counted now, not when the file was cached: the banner must appear on the day it is due.
    days = tls.days_to_expiry_now(info)
    if days >= tls.EXPIRY_WARNING_DAYS:
        return {}
    if days < 0:
        text = f"The TLS certificate ({info.subject}) expired {-days} days ago: browsers refuse it. Install a new one."
    else:
        text = f"The TLS certificate ({info.subject}) expires in {days} days. Install a new one before then."
    return {"tls_expiry_warning": text}
