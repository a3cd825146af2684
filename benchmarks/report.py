"""Benchmark results as JSON (for machines, the panel) and Markdown (for docs/benchmarks.md)."""
import json


def to_json(result):
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def _cell(value):
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(item) for item in value)
    return str(value).replace("|", "\\|")


def _table(columns, rows):
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def describe_machine_line(machine):
    gpus = ", ".join(f"{gpu['name']} ({gpu['memory_gib']} GiB)" for gpu in machine.get("gpus", [])) or "none"
    versions = ", ".join(f"{name} {version}" for name, version in machine.get("versions", {}).items() if version)
    return (
        f"{machine.get('cpu')}, {machine.get('cores_usable')} usable of {machine.get('cores_logical')} logical cores, "
        f"{machine.get('ram_gib')} GiB RAM, GPU: {gpus}; Python {machine.get('python')}; {versions}; "
        f"load average at start {machine.get('load_average')}"
    )


def to_markdown(result, heading_level=2):
    heading = "#" * heading_level
    lines = [f"{heading} {result['suite']}", "", result.get("description", ""), ""]
    lines.append(
        f"Run {result.get('started_at')}, {result.get('wall_seconds')} s"
        + (" (quick mode: indicative only)" if result.get("quick") else "") + "."
    )
    lines += ["", f"Machine: {describe_machine_line(result.get('machine', {}))}.", ""]
    if result.get("summary"):
        lines += _table(["figure", "value"], list(result["summary"].items())) + [""]
    for check in result.get("checks", []):
        mark = "PASS" if check["passed"] else "FAIL"
        lines.append(f"- **{mark}** {check['name']}: {check.get('detail', '')}")
    if result.get("checks"):
        lines.append("")
    for table in result.get("tables", []):
        lines += [f"{heading}# {table['title']}", ""] + _table(table["columns"], table["rows"]) + [""]
    if result.get("settings"):
        lines.append("Settings: " + ", ".join(f"{key}={_cell(value)}" for key, value in result["settings"].items()) + ".")
        lines.append("")
    for note in result.get("notes", []):
        lines.append(f"- {note}")
    return "\n".join(lines).rstrip() + "\n"
