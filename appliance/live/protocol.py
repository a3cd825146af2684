"""The live WebSocket protocol's messages (docs/api.md, "Live WebSocket protocol").

Client → server: JSON {"type": "start", ...}, binary PCM16 frames, JSON {"type": "stop"}.
Server → client: ready, partial, final, stats, error, saved (all JSON with a "type").
Between the consumer and the live engine process the Channels layer carries the same events
inside typed envelopes ("live.ready", "live.event")."""
import json

# Every process finds the engine here; a session then talks to the engine that took it.
ENGINE_CHANNEL = "live.engine"
MAX_TEXT_MESSAGE_BYTES = 4096
START_FIELDS = ("model", "language", "task", "resume")


class ProtocolError(ValueError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def error_event(code, message):
    return {"type": "error", "code": code, "message": message}


def parse_client_text(text):
    """A text frame from the client: a start or stop message, or a ProtocolError."""
    if len(text.encode()) > MAX_TEXT_MESSAGE_BYTES:
        raise ProtocolError("bad_message", f"Text messages may be at most {MAX_TEXT_MESSAGE_BYTES} bytes.")
    try:
        message = json.loads(text)
    except ValueError:
        raise ProtocolError(
            "bad_message",
            "Expected a JSON start or stop message; audio goes in binary frames (16-bit PCM, mono, 16 kHz).",
        ) from None
    if not isinstance(message, dict) or message.get("type") not in ("start", "stop"):
        raise ProtocolError("bad_message", 'A text message must be a JSON object with "type": "start" or "stop".')
    if message["type"] == "start":
        unknown = sorted(set(message) - {"type", *START_FIELDS})
        if unknown:
            raise ProtocolError("bad_options", f"Unknown start field(s): {', '.join(unknown)}.")
        wrong = [name for name in START_FIELDS if message.get(name) is not None and not isinstance(message[name], str)]
        if wrong:
            raise ProtocolError("bad_options", f"{', '.join(wrong)} must be text.")
    return message
