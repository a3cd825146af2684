"""How much of an initial prompt Whisper reads, so a longer one is refused instead of cut.

Whisper's decoder context is 448 tokens and half of it is for the previous text: the prompt
marker plus at most 223 tokens. faster-whisper silently keeps only the prompt's last 223
tokens, and a very long prompt crowds the decoder until it writes nothing at all, so a job
with a longer prompt would quietly run with a different prompt or produce an empty transcript.
"""
import functools
from pathlib import Path

from appliance.engine.errors import InvalidOptionsError

MAX_PROMPT_TOKENS = 223
# No tokenizer needs to see more than this to know the prompt is too long (a token is at least
# one character), which keeps a 100,000-character paste cheap to refuse.
MAX_PROMPT_CHARACTERS = 2000


def check_prompt(prompt, model_directory=None):
    """Raise InvalidOptionsError for a prompt longer than Whisper reads; model_directory (holding
    tokenizer.json) gives the exact count, without it only the character bound is checked."""
    if not prompt:
        return
    if len(prompt) > MAX_PROMPT_CHARACTERS:
        raise InvalidOptionsError(_too_long(f"{len(prompt)} characters"))
    if model_directory is None or not (Path(model_directory) / "tokenizer.json").is_file():
        return
    # faster-whisper encodes the prompt this way (a leading space, stripped text).
    count = len(_tokenizer(str(Path(model_directory) / "tokenizer.json")).encode(" " + prompt.strip(), add_special_tokens=False).ids)
    if count > MAX_PROMPT_TOKENS:
        raise InvalidOptionsError(_too_long(f"{count} tokens"))


def _too_long(size):
    return (
        f"The initial prompt is {size} long; Whisper reads at most {MAX_PROMPT_TOKENS} tokens of it "
        "(roughly 100 to 150 words): shorten it to the names and terms that matter."
    )


@functools.lru_cache(maxsize=8)
def _tokenizer(path):
    import tokenizers

    return tokenizers.Tokenizer.from_file(path)
