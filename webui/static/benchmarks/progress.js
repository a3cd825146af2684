// Polls the run's status while it runs; reloads once it is finished so the figures appear.
(function () {
  "use strict";
  const section = document.getElementById("run-progress");
  if (!section || section.dataset.finished === "true") return;
  const bar = section.querySelector("progress");
  const status = section.querySelector('[data-field="status"]');
  const current = section.querySelector('[data-field="current"]');
  let shownSuites = -1;

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        bar.value = state.progress;
        status.textContent = state.status;
        status.className = "status status-" + state.status;
        current.textContent = state.current_suite ? "running " + state.current_suite : "";
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
