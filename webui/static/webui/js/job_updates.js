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

  const seenSegments = new Map(); // job id -> indexes already handed out

  // A running job's segments come by push and, for a page opened mid-run or without a socket,
  // by poll (partial_segments): each index is handed to the listeners once, in order.
  function unseen(job, segments) {
    if (!segments || !segments.length) return [];
    const seen = seenSegments.get(job.id) || new Set();
    seenSegments.set(job.id, seen);
    const fresh = segments
      .filter(function (segment) { return typeof segment.index !== "number" || !seen.has(segment.index); })
      .sort(function (a, b) { return (a.index || 0) - (b.index || 0); });
    fresh.forEach(function (segment) { seen.add(segment.index); });
    return fresh;
  }

  function dispatch(job, newSegments) {
    const fresh = unseen(job, newSegments);
    listeners.forEach(function (listener) { listener(job, fresh); });
  }

  function pollOnce() {
    pollUrls.forEach(function (url) {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          (data.jobs || [data]).forEach(function (job) { dispatch(job, job.partial_segments); });
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
