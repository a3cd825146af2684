"""Server-side SVG line charts of figures across the run history (no JavaScript, no CDN)."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

# (label, suite, summary key): the lines of each chart. A run without the figure leaves a gap.
THROUGHPUT_SERIES = (
    ("bare baseline", "baseline", "baseline_throughput_x_realtime"),
    ("engine", "engine", "engine_throughput_x_realtime"),
    ("job path", "jobs", "job_throughput_x_realtime"),
    ("while updating", "updater", "throughput_while_updating_x_realtime"),
)
LATENCY_SERIES = (
    ("first request, preloaded", "preload", "preloaded_first_request_seconds"),
    ("first request, cold", "preload", "cold_first_request_seconds"),
    ("warm request", "preload", "warm_request_seconds"),
    ("API transcription", "api", "transcription via API s (median)"),
)
# A chart of one run is a dot: the history table says as much until there are this many runs.
MINIMUM_RUNS = 2
COLOURS = ("#1f6feb", "#d9480f", "#2b8a3e", "#862e9c")
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 52, 16, 16, 34


def series_points(runs, series):
    """[(label, [(run pk, value or None) ...])] over `runs` (oldest first)."""
    lines = []
    for label, suite, key in series:
        points = []
        for run in runs:
            value = ((run.results.get(suite) or {}).get("summary") or {}).get(key)
            points.append((run.pk, value if isinstance(value, (int, float)) and not isinstance(value, bool) else None))
        if any(value is not None for _, value in points):
            lines.append((label, points))
    return lines


def _nice_top(value):
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
        if value <= step * magnitude:
            return step * magnitude
    return value


def line_chart(title, unit, lines):
    """An SVG element (safe markup) plotting `lines`; a short note when there is nothing to plot."""
    if not lines:
        return mark_safe(f'<p class="muted">{escape(title)}: no runs with these figures yet.</p>')
    count = len(lines[0][1])
    values = [value for _, points in lines for _, value in points if value is not None]
    top = _nice_top(max(values) * 1.1 or 1)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index):
        return LEFT + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y(value):
        return TOP + plot_height * (1 - value / top)

    parts = [f'<svg class="bench-chart" viewBox="0 0 {WIDTH} {HEIGHT + 20 * len(lines)}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>"]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        level = y(top * fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{level + 4:.1f}" text-anchor="end" font-size="11">'
                     f"{top * fraction:g}</text>")
    parts.append(f'<text x="4" y="{TOP - 4}" font-size="11">{escape(unit)}</text>')
    for index, (run_pk, _) in enumerate(lines[0][1]):
        parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">'
                     f'#{run_pk}</text>')
    for number, (label, points) in enumerate(lines):
        colour = COLOURS[number % len(COLOURS)]
        segment = []
        for index, (run_pk, value) in enumerate(points):
            if value is None:
                parts.append(_polyline(segment, colour))
                segment = []
                continue
            segment.append((x(index), y(value)))
            parts.append(f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                         f"<title>{escape(label)}, run #{run_pk}: {value:g} {escape(unit)}</title></circle>")
        parts.append(_polyline(segment, colour))
        legend_y = HEIGHT + 20 * number + 4
        parts.append(f'<rect x="{LEFT}" y="{legend_y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{LEFT + 18}" y="{legend_y + 11}" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _polyline(points, colour):
    if len(points) < 2:
        return ""
    coordinates = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>'


def history_charts(runs):
    """The two charts of the page for `runs` (oldest first)."""
    return [
        line_chart("Throughput across runs", "x real time", series_points(runs, THROUGHPUT_SERIES)),
        line_chart("Latency across runs", "seconds", series_points(runs, LATENCY_SERIES)),
    ]
