"""A program's view of the job path for the jobs suite: log in, upload over HTTP, and notice the
stored result without loading the server (a read of the SQLite row, not an HTTP poll)."""
import http.cookiejar
import json
import sqlite3
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

RESULT_POLL_SECONDS = 0.02


class JobsClient:
    def __init__(self, base_url, database_path):
        self.base_url = base_url.rstrip("/")
        self.database_path = database_path
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf_token(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def login(self, username, password):
        self.opener.open(self.base_url + "/accounts/login/", timeout=30).read()
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": self._csrf_token()}
        ).encode()
        request = urllib.request.Request(self.base_url + "/accounts/login/", data=form, headers={"Referer": self.base_url})
        self.opener.open(request, timeout=30).read()
        if not any(cookie.name == "sessionid" for cookie in self.cookies):
            raise RuntimeError("could not log in to the appliance under test")

    def upload(self, path, fields, cache=False):
        """POST one file as the upload page does; returns the job summary. A benchmark measures
        transcription, so by default the identical-audio cache is off: a suite's second upload of
        the same recording would otherwise be answered from the first one's transcript."""
        boundary = uuid.uuid4().hex
        parts = []
        fields = {"cache": "true" if cache else "false", **fields}
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{Path(path).name}"\r\n'
            "Content-Type: audio/wav\r\n\r\n".encode()
        )
        body = b"".join(parts) + Path(path).read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base_url + "/api/jobs/",
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self._csrf_token(),
                "Referer": self.base_url,
                "Accept": "application/json",
            },
        )
        with self.opener.open(request, timeout=600) as response:
            answer = json.loads(response.read())
        if not answer.get("jobs"):
            raise RuntimeError(f"the upload was refused: {answer}")
        return answer["jobs"][0]

    def row(self, public_id):
        """The job's row as stored now (None if there is none)."""
        connection = sqlite3.connect(f"file:{self.database_path}?mode=ro", uri=True, timeout=30)
        connection.row_factory = sqlite3.Row
        try:
            row = connection.execute(
                "SELECT * FROM jobs_transcription WHERE public_id = ?", (public_id.replace("-", ""),)
            ).fetchone()
        finally:
            connection.close()
        return None if row is None else dict(row)

    def wait_until_finished(self, public_id, timeout_seconds=3600):
        """Seconds on the perf_counter clock when the row shows a finished job, and the row."""
        deadline = time.perf_counter() + timeout_seconds
        while time.perf_counter() < deadline:
            row = self.row(public_id)
            if row is not None and row["status"] in ("done", "failed", "cancelled"):
                return time.perf_counter(), row
            time.sleep(RESULT_POLL_SECONDS)
        raise RuntimeError(f"job {public_id} did not finish within {timeout_seconds} s")

    @staticmethod
    def require_transcribed(row):
        """A measured job must have been transcribed, not answered from the identical-audio cache."""
        if row.get("cached_from_id") is not None:
            raise RuntimeError(f"job {row['public_id']} was answered from the identical-audio cache, not transcribed")
        return row
