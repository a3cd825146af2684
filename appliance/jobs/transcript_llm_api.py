"""POST /api/jobs/<id>/llm/<action>/: run an LLM action on the transcript and stream it back as
server-sent events (`event: token`, `data: {...}`), token by token; GET returns the last answers.
Closing the connection cancels the run at its next token. Thin: check, then relay the events of
appliance.jobs.transcript_llm, whose blocking work runs in a thread of its own."""
import asyncio
import json
import threading

from django.db import connections
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST

from appliance.jobs import transcript_llm
from appliance.jobs.api import error, visible_job
from appliance.panel.llm_settings import LLMDisabled


@require_POST
def run_action(request, public_id, action):
    job = visible_job(request, public_id)
    try:
        transcript_llm.check_action(job, action)
    except LLMDisabled as problem:
        return error(str(problem), status=503)
    except transcript_llm.ActionRefused as problem:
        return error(str(problem), status=409 if action in transcript_llm.ACTIONS else 400)
    cancel = threading.Event()
    events = lambda: transcript_llm.action_events(job.pk, request.user, action, cancel)  # noqa: E731
    response = StreamingHttpResponse(_server_sent(events, cancel), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


@require_GET
def last_answers(request, public_id):
    return JsonResponse({"outputs": visible_job(request, public_id).llm_outputs})


async def _server_sent(events, cancel):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    def post(event):
        # Once the client has gone, the response's event loop may be closed: nobody reads any more.
        if cancel.is_set() or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(queue.put_nowait, event)
        except RuntimeError:  # closed between the check and the call
            pass

    def produce():
        try:
            for event in events():
                post(event)
        except Exception as problem:  # a bug must still end the stream with a word, not hang it
            post({"event": "error", "message": f"Internal error: {problem}"})
            raise
        finally:
            connections.close_all()  # this thread's own connection
            post(None)

    threading.Thread(target=produce, name="llm-action", daemon=True).start()
    try:
        while (event := await queue.get()) is not None:
            yield f"event: {event['event']}\ndata: {json.dumps(event)}\n\n".encode()
    finally:
        cancel.set()  # the client went away (or the run ended): the producer stops at its next token
