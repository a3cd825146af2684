"""Every change made in the panel leaves one AuditLogEntry: who, what, before, after, when."""
from appliance.panel.models import AuditLogEntry


def client_address(request):
    # REMOTE_ADDR is daphne's view of the client, from X-Forwarded-For only when nginx (a trusted
    # proxy, appliance.plumbing.trusted_proxies) sent it: never a header a client set on its own.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def record(actor, action, target="", before=None, after=None, summary="", request=None):
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else "system",
        action=action,
        target=str(target)[:200],
        summary=summary[:500],
        before=before,
        after=after,
        remote_address=client_address(request),
    )
