"""Item 9 of issue 19: a model archive that would unpack to far more than it weighs (a zip bomb)
is refused from its member list, before anything is written, through the panel's import."""
import time
import zipfile

import pytest
from upload_tree import serving, session_client

from appliance.panel.models import ModelOperation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bomb(tmp_path, tiny_model_dir):
    """The tiny.en model's small files and a model.bin of 400 MB of zeros (about 400 KB zipped)."""
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            archive.write(tiny_model_dir / name, f"bomb/{name}")
        with archive.open("bomb/model.bin", "w", force_zip64=True) as member:
            for _ in range(400):
                member.write(bytes(1024 * 1024))
    assert path.stat().st_size < 5 * 1024 * 1024
    return path


def finished_operation(timeout_seconds=60):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        operation = ModelOperation.objects.order_by("-pk").first()
        if operation and operation.state not in (ModelOperation.State.QUEUED, ModelOperation.State.RUNNING):
            return operation
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_a_zip_bomb_uploaded_in_the_panel_is_refused_and_writes_nothing(tmp_path, admin_user, user_password, bomb, data_dir):
    with serving(tmp_path) as url:
        client = session_client(url, admin_user, user_password)
        answer = client.post("/panel/models/import", data={"name": "bomb"}, files={"archive": ("model.zip", bomb.read_bytes())},
                             headers={"Accept": "application/json"})  # fmt: skip
        assert answer.status_code == 202, answer.text
        operation = finished_operation()

    assert operation.state == ModelOperation.State.FAILED
    assert "zip bomb" in operation.message and "model.bin" in operation.message
    assert not (data_dir / "models" / "bomb").exists()
    assert not list((data_dir / "models").glob(".bomb-*"))
