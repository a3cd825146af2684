"""Benchmarks: suites that measure the appliance against a bare baseline in the same run.

Performance targets live here, never in timed unit tests.

Command line::

    python -m benchmarks list
    python -m benchmarks run --suite engine [--quick] [--json FILE] [--markdown FILE] [--set KEY=VALUE ...]

From Python (a Celery task, the panel)::

    from benchmarks.suite_runner import run_suite
    from benchmarks.report import to_markdown
    result = run_suite("engine", SuiteOptions(quick=True))

Writing a suite
---------------
Add a module ``benchmarks/suites/<name>.py``; it is discovered by importing every module of
``benchmarks/suites/`` (modules whose name starts with ``_`` are helpers, not suites). It defines::

    NAME = "engine"                      # what --suite takes
    DESCRIPTION = "One line shown by `python -m benchmarks list`."

    def run(options):                    # options: benchmarks.suite_options.SuiteOptions
        ...
        return {"summary": {...}, "checks": [...], "tables": [...], "settings": {...}, "notes": [...]}

``options`` has ``quick`` (bool: seconds of work, for tests), ``work_dir`` (a Path for generated
audio and scratch files, kept between runs so expensive inputs can be cached), ``params`` (the
``--set KEY=VALUE`` pairs as strings; read them with ``options.number(key, default)`` /
``options.text(key, default)``), ``log(message)`` (progress on stderr) and the step counter the
benchmark page's bar follows: call ``options.plan(steps)`` once with the number of steps the suite
will take, then ``options.advance("what was done")`` after each (``alternate(..., advance=options.advance)``
advances once per measured run).

The returned dictionary must be JSON-serialisable. Every key is optional:

- ``summary``: ``{metric: number or text}`` the headline figures;
- ``checks``: ``[{"name": str, "passed": bool, "detail": str}]`` targets (``throughput ratio >= 0.97``);
- ``tables``: ``[{"title": str, "columns": [str], "rows": [[cell, ...]]}]`` details (runs, pairs);
- ``settings``: ``{name: value}`` what was measured with;
- ``notes``: ``[str]`` sentences worth reading next to the figures.

The runner adds ``suite``, ``description``, ``quick``, ``started_at``, ``wall_seconds``,
``machine`` (CPU, cores, RAM, GPU, versions) and ``passed`` (all checks passed).

Shared helpers: ``benchmarks.speech`` (espeak-ng reference speech), ``benchmarks.abtest``
(alternating A/B runs, medians and pair-by-pair ratios), ``benchmarks.process`` (a subprocess
with its peak RSS), ``benchmarks.machine`` (machine description).
"""
