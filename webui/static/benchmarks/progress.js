// Polls the run's status while it runs (the bar follows the suites' own steps); reloads once a
// suite or the run is finished so the figures appear. The cancel button asks first.
(function () {
  "use strict";
  const cancelForm = document.getElementById("run-cancel");
  if (cancelForm) {
    cancelForm.addEventListener("submit", function (event) {
      if (!window.confirm(cancelForm.dataset.confirm)) event.preventDefault();
    });
  }
  const section = document.getElementById("run-progress");
  if (!section || section.dataset.finished === "true") return;
  const bar = section.querySelector("progress");
  const status = section.querySelector('[data-field="status"]');
  const current = section.querySelector('[data-field="current"]');
  let shownSuites = -1;

  function describe(state) {
    if (!state.current_suite) return "";
    return "running " + state.current_suite + (state.current_step ? ": " + state.current_step : "");
  }

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        bar.value = state.progress;
        status.textContent = state.cancel_requested && !state.finished ? "Cancelling…" : state.status_label;
        status.className = "status status-" + state.status;
        current.textContent = describe(state);
        // A finished suite or the end of the run: reload to show the new figures.
        if (state.finished || (shownSuites >= 0 && state.finished_suites.length !== shownSuites)) {
          window.location.reload();
          return;
        }
        shownSuites = state.finished_suites.length;
      }
    } catch (error) {
      // The server restarting is no reason to stop: try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  }
  poll();
})();
