"""LLM action figures, counted in Redis where every web process running a stream adds to them and
the /metrics scrape reads them: runs by action and outcome (done, failed, cancelled), the time to the
first token and the whole answer as histograms, and tokens with the seconds spent generating them
(their ratio is tokens per second)."""
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

from appliance.plumbing.redis_client import get_redis

KEY = "appliance:metrics:llm"
LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
OUTCOMES = ("done", "failed", "cancelled")


def record_outcome(action, outcome):
    get_redis().hincrby(KEY, f"runs:{action}:{outcome}", 1)


def record_stream(action, figures, seconds):
    """One streamed answer: StreamFigures plus the seconds it took in all."""
    pipe = get_redis().pipeline()
    for name, value in (("first_token_seconds", figures.first_token_seconds), ("answer_seconds", seconds)):
        if value is None:
            continue
        bound = next((bound for bound in LATENCY_BUCKETS if value <= bound), "+Inf")
        pipe.hincrby(KEY, f"{name}:bucket:{bound}", 1)
        pipe.hincrbyfloat(KEY, f"{name}:sum", value)
    pipe.hincrby(KEY, f"tokens:{action}", figures.tokens)
    pipe.hincrbyfloat(KEY, f"generating_seconds:{action}", max(0.0, seconds - (figures.first_token_seconds or 0.0)))
    pipe.execute()


def metric_families(prefix):
    stored = {field: float(value) for field, value in get_redis().hgetall(KEY).items()}  # the client decodes
    runs = CounterMetricFamily(f"{prefix}_llm_runs", "LLM actions run, by action and outcome.", labels=["action", "outcome"])
    tokens = CounterMetricFamily(f"{prefix}_llm_tokens", "Tokens the LLM streamed, by action.", labels=["action"])
    generating = CounterMetricFamily(f"{prefix}_llm_generating_seconds",
                                     "Seconds the LLM spent streaming tokens after the first (tokens / this = tokens per second).",
                                     labels=["action"])  # fmt: skip
    for field, value in stored.items():
        kind, _, rest = field.partition(":")
        if kind == "runs":
            runs.add_metric(rest.split(":", 1), value)
        elif kind == "tokens":
            tokens.add_metric([rest], value)
        elif kind == "generating_seconds":
            generating.add_metric([rest], value)
    yield from (runs, tokens, generating)
    for name, text in (("first_token_seconds", "Seconds from sending a request to the LLM's first token."),
                       ("answer_seconds", "Seconds an LLM answer took in all.")):  # fmt: skip
        cumulative, buckets = 0, []
        for bound in (*LATENCY_BUCKETS, "+Inf"):
            cumulative += stored.get(f"{name}:bucket:{bound}", 0)
            buckets.append((str(float(bound)) if bound != "+Inf" else "+Inf", cumulative))
        yield HistogramMetricFamily(f"{prefix}_llm_{name}", text, buckets=buckets, sum_value=stored.get(f"{name}:sum", 0.0))
