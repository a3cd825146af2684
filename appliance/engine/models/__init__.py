"""Whisper models: the catalog, where weights come from (data dir, offline packs, hub), importing
and deleting them, and the ModelManager that loads them within a memory budget."""
