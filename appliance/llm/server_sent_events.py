"""Server-sent events as OpenAI-compatible servers stream them: `data: {json}` lines, events
separated by a blank line, `data: [DONE]` at the end. Comments (`: ping`) and other fields are
ignored, as the SSE standard says."""

DONE = "[DONE]"


def event_data(lines):
    """Yield the data of each event from an iterable of byte lines (the raw response)."""
    data = []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)
