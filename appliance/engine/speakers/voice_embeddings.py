"""CAM++ speaker embeddings through ONNX Runtime: one 192-number voice print per window."""
import numpy as np

from appliance.engine.speakers.features import FRAME_SHIFT, SAMPLE_RATE, fbank, frame_count

# Windows run through the model together; same-length windows need no padding.
BATCH_SIZE = 32


class VoiceEmbedder:
    """Wraps an onnxruntime session of the CAM++ model (input: (batch, frames, 80) features)."""

    def __init__(self, path, threads=1, name=""):
        import onnxruntime

        self.name = name
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        # Beside transcription the cores are busy: threads that spin while waiting for work
        # would take CPU time from CTranslate2 for nothing.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def embed(self, samples, windows, cancel=None):
        """(len(windows), 192) embeddings of `windows` [(start_s, end_s), ...] of `samples`."""
        features = fbank(samples)
        sliced = [_window_features(features, start, end) for start, end in windows]
        out = np.zeros((len(windows), 192), dtype=np.float32)
        by_length = {}
        for index, frames in enumerate(sliced):
            by_length.setdefault(len(frames), []).append(index)
        for length, indices in by_length.items():
            for first in range(0, len(indices), BATCH_SIZE):
                if cancel is not None and cancel.is_set():
                    return None
                batch = indices[first:first + BATCH_SIZE]
                stacked = np.stack([sliced[index] for index in batch])
                out[batch] = self.session.run(None, {self.input_name: stacked})[0]
        return out


def _window_features(features, start, end):
    first = int(round(start * SAMPLE_RATE / FRAME_SHIFT))
    count = max(1, frame_count(int((end - start) * SAMPLE_RATE)))
    frames = features[first:first + count]
    if len(frames) == 0:
        frames = features[-1:] if len(features) else np.zeros((1, 80), dtype=np.float32)
    # Each window is normalised on its own mean, as the model saw in training.
    return frames - frames.mean(axis=0, keepdims=True)
