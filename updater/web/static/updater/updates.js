// Follows the running update: polls progress.json, appends the new part of the log, and reloads
// the page once the run has ended so that history and status show the outcome.
(function () {
  "use strict";
  const card = document.getElementById("progress");
  if (!card) return;
  const log = document.getElementById("run-log");
  const summary = document.getElementById("run-summary");
  const steps = document.getElementById("run-steps");
  let runId = card.dataset.run || "";
  let offset = 0;
  let sawRunning = card.dataset.running === "true";

  function renderSteps(run) {
    steps.replaceChildren(...run.steps.map(function (step) {
      const item = document.createElement("li");
      item.className = "status-" + step.status;
      const duration = step.duration_seconds === null ? "" : " (" + step.duration_seconds.toFixed(1) + " s)";
      item.textContent = step.name + " — " + step.status + duration + (step.message ? ": " + step.message : "");
      return item;
    }));
  }

  async function poll() {
    let data;
    try {
      const response = await fetch(card.dataset.url + "?run=" + encodeURIComponent(runId) + "&offset=" + offset,
        { headers: { "Accept": "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      data = await response.json();
    } catch (error) {
      summary.textContent = "Lost contact with the appliance (" + error.message + "); retrying…";
      // A restart during the switch takes the page's server away for a moment.
      setTimeout(poll, 3000);
      return;
    }
    if (data.run) {
      if (data.run.id !== runId) { runId = data.run.id; log.textContent = ""; }
      offset = data.log_offset;
      if (data.log) { log.textContent += data.log; log.scrollTop = log.scrollHeight; }
      summary.textContent = data.run.action + ": " + data.run.status + (data.run.message ? " — " + data.run.message : "");
      renderSteps(data.run);
    }
    if (data.running) {
      sawRunning = true;
      setTimeout(poll, 1500);
    } else if (sawRunning) {
      window.location.reload();
    } else {
      setTimeout(poll, 5000);
    }
  }
  poll();
})();
