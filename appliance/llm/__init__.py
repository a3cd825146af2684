"""Transcript clean-up and summaries through any OpenAI-compatible chat endpoint (Ollama, llama.cpp's
server, vLLM, LocalAI, OpenAI). Plain Python: imports no Django, so the panel, the worker and the tests
use the same client."""
from appliance.llm.chunking import chunk_segments
from appliance.llm.cleanup import CleanupOutcome, cleanup_outcome, word_overlap
from appliance.llm.endpoint import ChatEndpoint, LLMCancelled, LLMError
from appliance.llm.prompts import TASKS, cleanup_messages, text_task_messages

__all__ = [
    "TASKS",
    "ChatEndpoint",
    "CleanupOutcome",
    "LLMCancelled",
    "LLMError",
    "cleanup_outcome",
    "chunk_segments",
    "cleanup_messages",
    "text_task_messages",
    "word_overlap",
]  # fmt: skip
