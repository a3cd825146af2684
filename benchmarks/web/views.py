"""Benchmark pages. Admins only; the work is in services, targets and charts."""
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appliance.accounts.permissions import admin_required
from benchmarks.web import charts, execution, services, targets
from benchmarks.web.forms import RunForm
from benchmarks.web.models import BenchmarkRun

HISTORY_LENGTH = 30


def _history_context():
    execution.fail_stale_runs()  # a run whose worker died must not look "running" here
    history = list(BenchmarkRun.objects.all()[:HISTORY_LENGTH])
    finished = [run for run in reversed(history) if run.status == BenchmarkRun.Status.DONE]
    # A chart of one point says nothing: the table alone until there are two runs to compare.
    shown_charts = charts.history_charts(finished) if len(finished) >= charts.MINIMUM_RUNS else []
    return {"history": history, "charts": shown_charts}


@admin_required
@require_http_methods(["GET", "POST"])
def index(request):
    catalog, broken = services.suite_catalog()
    form = RunForm(request.POST or None, request.FILES or None, catalog=catalog)
    if request.method == "POST" and form.is_valid():
        audio = None
        if form.cleaned_data["audio"] is not None:
            path = services.keep_upload(form.cleaned_data["audio"])
            label = form.probe_kept_audio(path)
            audio = (path, label) if label else None
            if label is None:
                services.discard_upload(path)
        if not form.errors:
            run = services.start_run(request.user, form.cleaned_data["suites"], form.cleaned_data["quick"], audio,
                                     form.cleaned_data["time_limit_minutes"])
            return redirect("benchmarks:run", pk=run.pk)
    return render(request, "benchmarks/index.html", {
        "form": form, "catalog": catalog, "broken": broken, "selected": form["suites"].value() or [],
        **_history_context(),
    }, status=400 if form.errors else 200)


@admin_required
@require_GET
def run_detail(request, pk):
    run = get_object_or_404(BenchmarkRun, pk=pk)
    return render(request, "benchmarks/run.html", {
        "run": run,
        "targets": targets.evaluate(run.results),
        "baseline_costs": targets.baseline_costs(run.results),
        "regressions": services.regressions(run) if run.status == BenchmarkRun.Status.DONE else [],
        "previous": services.previous_run(run),
        "default_noise_percent": services.DEFAULT_NOISE_PERCENT,
        **_history_context(),
    })


@admin_required
@require_GET
def run_status(request, pk):
    execution.fail_stale_runs()
    run = get_object_or_404(BenchmarkRun, pk=pk)
    return JsonResponse({
        "id": run.pk, "status": run.status, "status_label": run.get_status_display(), "progress": run.progress,
        "current_suite": run.current_suite, "current_step": run.current_step,
        "finished_suites": [name for name in run.suites if name in run.results], "suites": run.suites,
        "error": run.error, "finished": run.is_finished, "cancel_requested": run.cancel_requested,
    })


@admin_required
@require_POST
def run_cancel(request, pk):
    run = get_object_or_404(BenchmarkRun, pk=pk)
    if execution.cancel(run):
        messages.success(request, f"Benchmark run #{run.pk} is being cancelled.")
    else:
        messages.error(request, f"Benchmark run #{run.pk} has already finished.")
    return redirect("benchmarks:run", pk=run.pk)


@admin_required
@require_GET
def export(request, pk, fmt):
    run = get_object_or_404(BenchmarkRun, pk=pk)
    if fmt == "json":
        body, content_type = services.export_json(run), "application/json"
    else:
        body, content_type = services.export_markdown(run), "text/markdown; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="benchmark-run-{run.pk}.{"md" if fmt == "md" else "json"}"'
    return response
