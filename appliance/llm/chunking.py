"""Long transcripts go to the model in pieces that fit its context window. Token counts are
estimated from characters (no tokenizer of the remote model is at hand): about 3.5 characters a
token for the languages Whisper transcribes, rounded up so a chunk errs on the small side."""
import math

CHARS_PER_TOKEN = 3.5
TOKENS_PER_LINE = 4  # the "[n] " prefix and the newline


def estimate_tokens(text):
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def chunk_segments(segments, budget_tokens, first_budget_tokens=None):
    """Consecutive runs of segments, each estimated at <= budget_tokens (a single longer segment
    becomes a chunk of its own: splitting it would break its timestamps). first_budget_tokens, when
    smaller, bounds the first chunk alone: the model reads a whole chunk before its first token, so a
    short first chunk gets the first words to the reader sooner."""
    chunks, current, used = [], [], 0
    for segment in segments:
        cost = estimate_tokens(segment.get("text", "")) + TOKENS_PER_LINE
        budget = first_budget_tokens if first_budget_tokens and not chunks else budget_tokens
        if current and used + cost > budget:
            chunks.append(current)
            current, used = [], 0
        current.append(segment)
        used += cost
    if current:
        chunks.append(current)
    return chunks


def cleanup_budget(context_tokens, max_answer_tokens, instructions_tokens=400):
    """Transcript tokens per clean-up request: the answer repeats the input, so both must fit."""
    room = context_tokens - instructions_tokens
    return max(64, min(room // 2, max_answer_tokens))
