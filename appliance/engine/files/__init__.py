"""File transcription: decoding audio, chunking, the batched/dynamic/pooled pipelines, results
and their exports (TXT, SRT, VTT, TSV, JSON)."""
