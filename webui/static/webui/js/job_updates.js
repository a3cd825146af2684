// Live job state for every page: a WebSocket push when it is open, polling when it is not.
// The server's rows are the truth; pushes only make the page update sooner.
"use strict";
window.JobUpdates = (function () {
  const listeners = new Set();
  const pollUrls = new Set();
  const POLL_MS = 3000;
  let socket = null;
  let pollTimer = null;
  let retryMs = 1000;

  function dispatch(job, newSegments) {
    listeners.forEach(function (listener) { listener(job, newSegments || []); });
  }

  function pollOnce() {
    pollUrls.forEach(function (url) {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          (data.jobs || [data]).forEach(function (job) { dispatch(job, []); });
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    });
  }

  function startPolling() {
    if (pollTimer === null && pollUrls.size) pollTimer = setInterval(pollOnce, POLL_MS);
  }

  function stopPolling() {
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + location.host + "/ws/jobs/");
    } catch (error) {
      startPolling();
      return;
    }
    socket.addEventListener("open", function () {
      retryMs = 1000;
      stopPolling();
      pollOnce(); // catch up with anything pushed while the socket was down
    });
    socket.addEventListener("message", function (event) {
      const data = JSON.parse(event.data);
      if (data.type === "job") dispatch(data.job, data.new_segments);
    });
    socket.addEventListener("close", function () {
      startPolling();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  connect();

  return {
    subscribe: function (listener) { listeners.add(listener); },
    pollUrl: function (url) { pollUrls.add(url); if (!socket || socket.readyState !== WebSocket.OPEN) startPolling(); },
    csrfToken: function () { return document.querySelector('meta[name="csrf-token"]').content; },
    percent: function (fraction) { return Math.round((fraction || 0) * 100) + " %"; },
    statusLabel: function (job) {
      const labels = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
      return labels[job.status] + (job.status === "running" ? " " + window.JobUpdates.percent(job.progress) : "");
    },
  };
})();
