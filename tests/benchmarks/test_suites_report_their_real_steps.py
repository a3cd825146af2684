"""Suites report progress at their real steps (SuiteOptions.plan/advance, one step per measured run
of an A/B alternation), and `--progress-file` keeps the latest state where the page reads it."""
import json

from benchmarks.abtest import alternate
from benchmarks.cli import progress_writer
from benchmarks.suite_options import SuiteOptions


def test_each_measured_run_moves_the_progress_one_planned_step():
    seen = []
    options = SuiteOptions(progress=lambda fraction, step: seen.append((fraction, step)), log=lambda message: None)

    options.plan(1 + 2 * 2)
    options.advance("speech ready")
    alternate({"a": lambda: {"x": 1}, "b": lambda: {"x": 2}}, 2, advance=options.advance)

    assert [fraction for fraction, _ in seen] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert seen[-1][1] == "measured a (pair 2/2)"


def test_the_progress_file_always_holds_one_whole_state(tmp_path):
    path = tmp_path / "progress.json"
    write = progress_writer(path)

    write(0.25, "appliance up")
    write(0.5, "warm-up job done")

    assert json.loads(path.read_text()) == {"fraction": 0.5, "step": "warm-up job done"}
    assert [item.name for item in tmp_path.iterdir()] == ["progress.json"]
