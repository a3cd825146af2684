"""Live transcription: streaming sessions, the ring buffer, streaming VAD, the window decoder
that batches many streams, and LocalAgreement commits."""
