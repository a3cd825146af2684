"""API token pages: a user's own tokens (create, list, revoke).

Everyone's tokens are an admin's business in the panel (appliance.panel, /panel/tokens/), where
revoking another user's token is audited; this page deals with the user's own tokens only."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appliance.tokens import services
from appliance.tokens.forms import TokenForm


@never_cache
def index(request):
    return _own_tokens_page(request, TokenForm())


@require_POST
@never_cache
def create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _own_tokens_page(request, form, status=400)
    token, plain = services.create_token(request.user, form.cleaned_data["name"])
    # Rendered straight away, not redirected: the plain token must never be stored, not even
    # in the session, so this response is the only place it ever appears.
    return _own_tokens_page(request, TokenForm(), new_token=token, plain_token=plain)


@require_POST
def revoke(request, pk):
    token = get_object_or_404(services.tokens_of(request.user), pk=pk)
    services.revoke(token, by=request.user)
    messages.success(request, f"The token \u201c{token.name}\u201d ({token.display_prefix}) was revoked.")
    return redirect("tokens:index")


def _own_tokens_page(request, form, new_token=None, plain_token=None, status=200):
    context = {
        "form": form,
        "tokens": services.tokens_of(request.user),
        "new_token": new_token,
        "plain_token": plain_token,
    }
    return render(request, "tokens/index.html", context, status=status)
