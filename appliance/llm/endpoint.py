"""An OpenAI-compatible endpoint: the models it offers (GET /v1/models) and a streamed chat
completion (POST /v1/chat/completions with "stream": true, answered as server-sent events).

Standard library only (http over urllib): the appliance talks to one endpoint at a time and needs
no connection pool. Every way a request can go wrong becomes an LLMError whose message an admin can
act on; the caller's cancel event stops a stream between two tokens."""
import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from appliance.llm.server_sent_events import DONE, event_data

ERROR_BODY_CHARS = 300


class LLMError(Exception):
    """The endpoint gave no usable answer; str() says why."""


class LLMCancelled(Exception):
    """The caller asked the stream to stop."""


@dataclass
class StreamFigures:
    """What one streamed answer cost: the clock starts when the request is sent."""

    first_token_seconds: float = None
    seconds: float = 0.0
    tokens: int = 0  # content chunks: one token each on the servers we know
    finish_reason: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def tokens_per_second(self):
        generating = self.seconds - (self.first_token_seconds or 0.0)
        return self.tokens / generating if self.tokens > 1 and generating > 0 else None


class ChatEndpoint:
    def __init__(self, base_url, api_key="", timeout_seconds=60.0):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise LLMError(f"The LLM base URL must start with http:// or https:// (got {base_url!r}).")
        base = base_url.rstrip("/")
        # Admins paste either the server ("http://host:11434") or its API root ("…/v1").
        self.api_root = base if base.endswith("/v1") else base + "/v1"
        self.api_key = api_key
        self.timeout_seconds = float(timeout_seconds)

    def list_models(self):
        """The model ids the endpoint offers, sorted."""
        with self._open("GET", "/models") as response:
            try:
                listed = json.loads(response.read())["data"]
                return sorted(str(model["id"]) for model in listed)
            except (ValueError, KeyError, TypeError):
                raise LLMError(f"{self.api_root}/models did not answer with an OpenAI model list.") from None

    def stream_chat(self, model, messages, max_tokens=512, cancel=None, figures=None, temperature=0.0):
        """Yield the answer's text piece by piece. `cancel`: a threading.Event checked between pieces
        (LLMCancelled). `figures`: a StreamFigures filled in as the stream goes."""
        figures = figures if figures is not None else StreamFigures()
        body = {"model": model, "messages": messages, "max_tokens": int(max_tokens), "temperature": temperature,
                "stream": True}  # fmt: skip
        started = time.perf_counter()
        deadline = started + self.timeout_seconds
        try:
            with self._open("POST", "/chat/completions", body) as response:
                for data in event_data(response):
                    if cancel is not None and cancel.is_set():
                        raise LLMCancelled()
                    if time.perf_counter() > deadline:
                        raise LLMError(f"The LLM endpoint did not finish within {self.timeout_seconds:.0f} s.")
                    if data.strip() == DONE:
                        figures.seconds = time.perf_counter() - started
                        return
                    piece = self._piece(data, figures)
                    if piece:
                        if figures.first_token_seconds is None:
                            figures.first_token_seconds = time.perf_counter() - started
                        figures.tokens += 1
                        yield piece
        except (TimeoutError, socket.timeout):
            raise LLMError(f"The LLM endpoint stopped sending for {self.timeout_seconds:.0f} s mid-answer.") from None
        except (http.client.HTTPException, OSError) as error:
            raise LLMError(f"The LLM endpoint's stream broke off: {error}") from None
        if figures.finish_reason:  # a server that ends the stream without [DONE] but said it was done
            figures.seconds = time.perf_counter() - started
            return
        raise LLMError("The LLM endpoint's stream broke off before the answer was complete.")

    def _piece(self, data, figures):
        try:
            event = json.loads(data)
        except ValueError:
            raise LLMError(f"The LLM endpoint streamed something that is not JSON: {data[:80]!r}") from None
        if isinstance(event, dict) and event.get("error"):
            raise LLMError(f"The LLM endpoint reported an error mid-stream: {_error_text(event['error'])}")
        try:
            choice = event["choices"][0] if event.get("choices") else {}
        except (TypeError, KeyError, AttributeError):
            raise LLMError("The LLM endpoint streamed an event without choices: is it OpenAI-compatible?") from None
        if choice.get("finish_reason"):
            figures.finish_reason = choice["finish_reason"]
        return (choice.get("delta") or {}).get("content") or ""

    def _open(self, method, path, body=None):
        headers = {"Accept": "text/event-stream" if body and body.get("stream") else "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.api_root + path, data=data, headers=headers, method=method)
        try:
            # The timeout bounds each wait for bytes; stream_chat also bounds the whole answer.
            return urllib.request.urlopen(request, timeout=self.timeout_seconds)
        except urllib.error.HTTPError as error:
            detail = error.read(ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
            hint = " (check the API key)" if error.code in (401, 403) else ""
            raise LLMError(f"The LLM endpoint answered HTTP {error.code}{hint}: {detail or error.reason}") from None
        except (TimeoutError, socket.timeout):
            raise LLMError(f"The LLM endpoint did not answer within {self.timeout_seconds:.0f} s.") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise LLMError(f"Cannot reach the LLM endpoint at {self.api_root}: {reason}") from None


def _error_text(error):
    return error.get("message", json.dumps(error)) if isinstance(error, dict) else str(error)
