// Job list: keep the status, processing time and real-time factor of the shown rows current.
"use strict";
(function () {
  const table = document.getElementById("job-table");
  if (!table) return;
  window.JobUpdates.subscribe(function (job) {
    const row = table.querySelector('tr[data-job-id="' + job.id + '"]');
    if (!row) return;
    const status = row.querySelector('[data-field="status"]');
    status.className = "status status-" + job.status;
    status.textContent = window.JobUpdates.statusLabel(job);
    if (job.processing_seconds !== null) {
      row.querySelector('[data-field="processing"]').textContent = job.processing_seconds.toFixed(1) + " s";
      row.querySelector('[data-field="rtf"]').textContent = job.real_time_factor.toFixed(3);
    }
  });
  const filter = table.dataset.statusFilter;
  window.JobUpdates.pollUrl("/api/jobs/" + (filter ? "?status=" + encodeURIComponent(filter) : ""));
})();
