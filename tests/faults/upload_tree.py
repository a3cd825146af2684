"""The appliance as `make run` runs it, for the file and upload fault tests: a real daphne
subprocess on this run's test database and Redis, and programs talking to it over HTTP.

serving(tmp_path, data_dir=None, **env)  context manager: daphne with APPLIANCE_* overrides
                   (data_dir: this run's shared one unless given); yields the base URL.
token_client(url, user)                  httpx2.Client with a new API token of user.
session_client(url, user, password)      httpx2.Client logged in through the login form,
                   sending the CSRF token like the pages' scripts do (already open: no `with`).
raw_exchange(url, head, chunks=(), ...)  speaks HTTP over a bare socket (to send headers alone,
                   or a chunked body) and returns (status, body text, bytes of body sent).
The process-tree fixtures (workers) come from the root conftest (worker_process).
"""
import contextlib
import json
import re
import socket
import time
from urllib.parse import urlsplit

import httpx2
from servers import process_environment, running_daphne


@contextlib.contextmanager
def serving(tmp_path, data_dir=None, **env):
    from django.conf import settings

    environment = process_environment(data_dir or settings.DATA_DIR, **{key: str(value) for key, value in env.items()})
    with running_daphne(environment, tmp_path / "daphne.log") as url:
        yield url


def token_client(url, user, timeout=120):
    from appliance.tokens.services import create_token

    plain = create_token(user, "fault tests")[1]
    return httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {plain}"}, timeout=timeout)


def session_client(url, user, password, timeout=120):
    client = httpx2.Client(base_url=url, timeout=timeout, follow_redirects=False)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"]
    answer = client.post("/accounts/login/", data={"username": user.username, "password": password,
                                                    "csrfmiddlewaretoken": token})  # fmt: skip
    assert answer.status_code == 302, answer.text[:500]
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def raw_exchange(url, head, chunks=(), answer_timeout=20):
    """Send head (bytes up to the blank line), then each chunk as long as the server reads; the
    answer is read as soon as it comes, even while the body is still on its way."""
    parts = urlsplit(url)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=answer_timeout) as connection:
        connection.sendall(head)
        for chunk in chunks:
            if _answer_waiting(connection):
                break
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        return (*_read_answer(connection, answer_timeout), sent)


def _answer_waiting(connection):
    connection.setblocking(False)
    try:
        return bool(connection.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        connection.setblocking(True)


def _read_answer(connection, timeout):
    connection.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            block = connection.recv(65536)
        except ConnectionResetError:
            break
        if not block:
            break
        data += block
        head, _, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        if length and len(body) >= int(length.group(1)):
            break
    status_line, _, rest = data.partition(b"\r\n")
    if not status_line:
        raise AssertionError("the server closed the connection without an answer")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode(errors="replace")


def multipart_head(path, length=None, boundary="fault-boundary", chunked=False, headers=()):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: multipart/form-data; boundary={boundary}",
             *headers]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def multipart_parts(name, payload_chunks, boundary="fault-boundary"):
    """The body of a one-file multipart form, as a sequence of byte strings."""
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n").encode()  # fmt: skip
    yield from payload_chunks
    yield f"\r\n--{boundary}--\r\n".encode()


def chunked(parts):
    """HTTP/1.1 chunked transfer coding of the byte strings in parts."""
    for part in parts:
        if part:
            yield b"%x\r\n" % len(part) + part + b"\r\n"
    yield b"0\r\n\r\n"


def error_of(text):
    return json.loads(text)["error"]


def finished_job(job, timeout_seconds=120):
    """The job's row once a worker has finished it (done, failed or cancelled)."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} is still {job.status} after {timeout_seconds} s")
