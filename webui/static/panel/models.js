// Models & memory page: keeps "what the workers really have loaded" and the install list fresh,
// and uploads a model archive with a progress bar. The server renders both lists; this only
// swaps in the fragments it returns, so a page reload always shows the same thing.
(function () {
  "use strict";
  const POLL_MS = 3000;
  const state = document.getElementById("worker-state");
  const operations = document.getElementById("operations");
  const catalog = document.getElementById("catalog");
  let catalogHtml = null;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function refresh() {
    try {
      const response = await fetch(state.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        state.innerHTML = data.workers_html;
        operations.innerHTML = data.operations_html;
        // Only when it changed: a swap under the pointer would swallow a click on its buttons.
        if (catalog && data.catalog_html && data.catalog_html !== catalogHtml) {
          catalog.innerHTML = data.catalog_html;
          catalogHtml = data.catalog_html;
        }
      }
    } catch (error) {
      // The next round tries again; a restarting server must not break the page.
    }
    window.setTimeout(refresh, POLL_MS);
  }

  function confirmDeletes() {
    // Delegated: the catalog's forms are replaced when the catalog refreshes.
    document.addEventListener("submit", function (event) {
      const form = event.target.closest("form[data-confirm]");
      if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  function importWithProgress() {
    const form = document.getElementById("model-import");
    const progress = document.getElementById("import-progress");
    const status = document.getElementById("import-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-CSRFToken", csrf);
      request.setRequestHeader("Accept", "application/json");
      progress.hidden = false;
      progress.value = 0;
      status.className = "muted";
      status.textContent = "Uploading…";
      request.upload.addEventListener("progress", function (upload) {
        if (upload.lengthComputable) {
          progress.value = Math.round((upload.loaded / upload.total) * 100);
          status.textContent = "Uploading… " + progress.value + " %";
        }
      });
      request.addEventListener("load", function () {
        let answer = {};
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
        if (request.status === 202) {
          progress.value = 100;
          status.textContent = "Uploaded. Importing " + answer.operation.model_name + "… (see Recent installs)";
          form.reset();
        } else {
          status.className = "error";
          status.textContent = answer.error || "The upload failed (HTTP " + request.status + ").";
        }
      });
      request.addEventListener("error", function () {
        status.className = "error";
        status.textContent = "The connection broke during the upload; nothing was imported. Try again.";
      });
      request.send(new FormData(form));
    });
  }

  confirmDeletes();
  importWithProgress();
  window.setTimeout(refresh, POLL_MS);
})();
