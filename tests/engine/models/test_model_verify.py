from appliance.engine import resolve_model, verify_model


def test_installed_packs_verify_against_their_wheel_records(tmp_path):
    resolve_model("base", tmp_path)

    for name in ("tiny.en", "base"):
        report = verify_model(name, tmp_path)
        assert report.ok, report.problems
        assert report.source == "pack"


def test_a_flipped_byte_in_an_assembled_model_is_found(tmp_path):
    model_bin = resolve_model("base", tmp_path).path / "model.bin"
    with open(model_bin, "r+b") as handle:
        handle.seek(1_000_000)
        byte = handle.read(1)
        handle.seek(1_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))

    report = verify_model("base", tmp_path)

    assert not report.ok
    assert "does not match the checksum" in report.problems[0]


def test_a_model_that_is_not_installed_fails_verification(tmp_path):
    report = verify_model("medium", tmp_path)

    assert not report.ok and report.problems == ("the model is not installed",)
