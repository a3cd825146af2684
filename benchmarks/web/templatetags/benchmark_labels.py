"""Suite figure keys as people read them: job_throughput_x_realtime → "Job throughput (× real time)"."""
import re

from django import template

register = template.Library()

# Unit words at the end or in the middle of a key, and how they read after the label.
UNITS = (
    ("x_realtime", "× real time"), ("seconds", "s"), ("ms", "ms"), ("mb", "MB"), ("mib", "MiB"), ("gib", "GiB"),
    ("percent", "%"), ("minutes", "min"),
)
ACRONYMS = {"rss": "RSS", "wer": "WER", "api": "API", "tls": "TLS", "http": "HTTP", "https": "HTTPS", "cpu": "CPU",
            "gpu": "GPU", "vad": "VAD", "rtf": "RTF", "p50": "p50", "p95": "p95"}


@register.filter
def figure_label(key):
    text = str(key)
    if "_" not in text:  # already written for people ("1x batched: commit p50 / p95 s")
        return text[:1].upper() + text[1:]
    unit = ""
    for word, reading in UNITS:
        pattern = rf"(^|_){re.escape(word)}(?=_|$)"
        if re.search(pattern, text):
            text, unit = re.sub(pattern, "", text, count=1), reading
            break
    words = [ACRONYMS.get(word, word) for word in text.strip("_").split("_") if word]
    label = " ".join(words)
    label = re.sub(r"\b(\w+) (\w+)$", r"\1 / \2", label) if re.search(r"_(jobs|job|engine|api)_bare$", str(key)) else label
    label = label[:1].upper() + label[1:]
    return f"{label} ({unit})" if unit else label
