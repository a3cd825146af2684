"""Kaldi-style log mel filterbank features in numpy: what the CAM++ speaker model was trained on.

The same numbers as Kaldi's `compute-fbank-feats` with its defaults (25 ms Povey windows every
10 ms, DC removed, pre-emphasis 0.97, 512-point power spectrum, 80 triangular mel bins from
20 Hz to Nyquist, natural log), so no torch or torchaudio is needed at run time. The whole
recording is analysed once; each embedding window takes a slice of the frames.
"""
import numpy as np

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
FFT_SIZE = 512
MEL_BINS = 80
LOW_FREQUENCY = 20.0
PREEMPHASIS = 0.97
# Frames analysed at once: bounds the memory of a long file to a few tens of megabytes.
FRAMES_PER_BLOCK = 20000


def frame_count(samples):
    return 0 if samples < FRAME_LENGTH else 1 + (samples - FRAME_LENGTH) // FRAME_SHIFT


def _mel(frequency):
    return 1127.0 * np.log(1.0 + frequency / 700.0)


def mel_banks(bins=MEL_BINS, sample_rate=SAMPLE_RATE, fft_size=FFT_SIZE, low=LOW_FREQUENCY):
    """(bins, fft_size // 2 + 1) triangular weights; Kaldi leaves the Nyquist bin out."""
    high = sample_rate / 2
    mel_low, mel_high = _mel(low), _mel(high)
    delta = (mel_high - mel_low) / (bins + 1)
    fft_mels = _mel(np.arange(fft_size // 2) * sample_rate / fft_size)
    left = mel_low + np.arange(bins)[:, None] * delta
    center, right = left + delta, left + 2 * delta
    rising = (fft_mels - left) / (center - left)
    falling = (right - fft_mels) / (right - center)
    weights = np.where((fft_mels > left) & (fft_mels < right), np.minimum(rising, falling), 0.0)
    return np.pad(weights, ((0, 0), (0, 1))).astype(np.float32)


_BANKS = mel_banks()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / (FRAME_LENGTH - 1))) ** 0.85


def fbank(samples):
    """(frames, 80) float32 log mel energies of 16 kHz mono float samples in [-1, 1]."""
    samples = np.asarray(samples, dtype=np.float32)
    total = frame_count(len(samples))
    out = np.empty((total, MEL_BINS), dtype=np.float32)
    for first in range(0, total, FRAMES_PER_BLOCK):
        count = min(FRAMES_PER_BLOCK, total - first)
        out[first:first + count] = _block(samples, first, count)
    return out


def _block(samples, first, count):
    starts = (first + np.arange(count)) * FRAME_SHIFT
    frames = samples[starts[:, None] + np.arange(FRAME_LENGTH)].astype(np.float64)
    frames -= frames.mean(axis=1, keepdims=True)
    frames[:, 1:] -= PREEMPHASIS * frames[:, :-1].copy()
    frames[:, 0] *= 1.0 - PREEMPHASIS
    frames *= _WINDOW
    power = np.abs(np.fft.rfft(frames, n=FFT_SIZE)) ** 2
    energies = power.astype(np.float32) @ _BANKS.T
    return np.log(np.maximum(energies, np.finfo(np.float32).eps))
