"""Idle check of the updater tests: prints the counts stored in a JSON file. When the file holds a
list, each call pops the first report, so a test can script "busy, busy, idle" without timing."""

import json
import sys
from pathlib import Path

path = Path(sys.argv[1])
reports = json.loads(path.read_text())
if isinstance(reports, list):
    report = reports.pop(0) if len(reports) > 1 else reports[0]
    path.write_text(json.dumps(reports))
else:
    report = reports
print(json.dumps(report))
