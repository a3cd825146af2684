// Job page, while the job waits or runs: its place in the queue and a rough finish time.
// Queued: asks the job API every few seconds (other jobs moving up sends no push to this one).
// Running: estimates what is left from the time so far and the progress.
"use strict";
(function () {
  const section = document.getElementById("job");
  const text = document.getElementById("job-eta");
  if (!section || !text) return;
  const QUEUE_POLL_MS = 5000;
  let status = section.dataset.status;
  let queueTimer = null;

  function duration(seconds) {
    seconds = Math.max(1, Math.round(seconds));
    if (seconds < 60) return seconds + " s";
    const minutes = Math.round(seconds / 60);
    return minutes < 120 ? minutes + " min" : Math.round(minutes / 60) + " h";
  }

  function showQueue(queue) {
    if (!queue) return;
    const ahead = queue.jobs_ahead ? " (" + queue.jobs_ahead + " job" + (queue.jobs_ahead === 1 ? "" : "s") + " ahead)" : "";
    text.textContent = "Number " + queue.position + " in the queue" + ahead + "; done in about " +
      duration(queue.eta_seconds) + " (an estimate).";
  }

  function showRunning(job) {
    if (!job.started_at || !(job.progress >= 0.05)) { text.textContent = ""; return; }
    const elapsed = (Date.now() - Date.parse(job.started_at)) / 1000;
    const left = (elapsed / job.progress) * (1 - job.progress);
    text.textContent = "About " + duration(left) + " left (an estimate).";
  }

  function update(job) {
    status = job.status;
    if (status === "queued") showQueue(job.queue);
    else if (status === "running") { stopQueuePolling(); showRunning(job); }
  }

  function pollQueue() {
    fetch(section.dataset.apiUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) { if (job) update(job); })
      .catch(function () { /* the next round tries again */ });
  }

  function stopQueuePolling() {
    if (queueTimer !== null) { clearInterval(queueTimer); queueTimer = null; }
  }

  if (status === "queued") queueTimer = setInterval(pollQueue, QUEUE_POLL_MS);
  if (window.JobUpdates) {
    window.JobUpdates.subscribe(function (job) { if (job.id === section.dataset.jobId) update(job); });
  }
})();
