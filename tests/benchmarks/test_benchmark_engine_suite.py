"""The benchmark framework and the engine suite in quick mode (a few seconds of speech, one
pair): only the shape of the result is checked here, never the figures (no timing asserts)."""
import json

from benchmarks.cli import main
from benchmarks.suite_options import SuiteOptions
from benchmarks.registry import discover_suites
from benchmarks.report import to_markdown
from benchmarks.suite_runner import run_suite


def test_suites_are_discovered_from_their_modules():
    found, broken = discover_suites()

    assert "engine" in found
    assert found["engine"].DESCRIPTION and "\n" not in found["engine"].DESCRIPTION
    assert "_engine_subjects" not in broken


def test_the_engine_suite_runs_in_quick_mode_and_returns_a_well_formed_result(tmp_path):
    result = run_suite("engine", SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None))

    json.dumps(result)  # serialisable as is
    assert result["suite"] == "engine" and result["quick"] is True
    assert isinstance(result["passed"], bool)
    assert {"cpu", "cores_usable", "ram_gib", "gpus", "versions"} <= set(result["machine"])
    summary = result["summary"]
    for figure in ("engine_throughput_x_realtime", "bare_throughput_x_realtime", "throughput_ratio_engine_to_bare",
                   "engine_peak_rss_mb", "bare_peak_rss_mb", "peak_rss_ratio_engine_to_bare",
                   "model_load_seconds_cold", "model_load_seconds_preloaded"):
        assert summary[figure] >= 0, figure
    assert summary["engine_peak_rss_mb"] > 100  # a whole process with a model in it
    assert [run[2] for run in result["tables"][0]["rows"]] == ["engine", "bare"]
    assert result["checks"][0]["name"] == "engine throughput >= 0.97x bare"
    markdown = to_markdown(result)
    assert markdown.startswith("## engine\n") and "| throughput_ratio_engine_to_bare |" in markdown


def test_the_command_line_writes_json_and_markdown(tmp_path, capsys):
    json_file, markdown_file = tmp_path / "result.json", tmp_path / "result.md"

    code = main(["run", "--suite", "engine", "--quick", "--work-dir", str(tmp_path / "work"),
                 "--json", str(json_file), "--markdown", str(markdown_file), "--set", "batch_size=4", "--set", "seconds=8"])

    assert code in (0, 1)  # 1 = a check missed its target, which quick mode may do
    result = json.loads(json_file.read_text())
    assert result["settings"]["batch_size"] == 4
    assert markdown_file.read_text() == capsys.readouterr().out


def test_an_unknown_suite_is_an_error(capsys):
    assert main(["run", "--suite", "no-such-suite"]) == 2
    assert "unknown suite 'no-such-suite'" in capsys.readouterr().err
