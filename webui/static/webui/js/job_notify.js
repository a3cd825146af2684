// Browser notifications when jobs finish, for people who switched tabs.
// Job page: armed per job in sessionStorage, because the page reloads itself when the job ends:
// the reloaded page sees the job finished and the flag still set, and notifies once.
// Upload page: once allowed, every job seen unfinished on the page notifies as it finishes.
"use strict";
(function () {
  if (!("Notification" in window)) return;
  const WORDS = { done: "is transcribed", failed: "failed", cancelled: "was cancelled" };
  const FINISHED = Object.keys(WORDS);

  function announce(name, status, tag) {
    const notice = new Notification(name + " " + WORDS[status], { tag: tag });
    notice.addEventListener("click", function () { window.focus(); notice.close(); });
  }

  // Shows the button until the browser allows notifications; onAllowed runs once they are.
  function offer(button, state, armedText, onAllowed) {
    function allowed() {
      button.hidden = true;
      state.textContent = armedText;
      onAllowed();
    }
    if (Notification.permission === "denied") {
      state.textContent = "Notifications are blocked for this site in the browser's settings.";
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      Promise.resolve(Notification.requestPermission()).then(function (permission) {
        if (permission === "granted") allowed();
        else state.textContent = "Without the browser's permission there can be no notification.";
      });
    });
    return allowed;
  }

  function jobPage(section) {
    const key = "notify-when-done:" + section.dataset.jobId;
    if (FINISHED.indexOf(section.dataset.status) >= 0) {
      if (sessionStorage.getItem(key) && Notification.permission === "granted") {
        sessionStorage.removeItem(key);
        announce(document.querySelector("#job h1").textContent, section.dataset.status, key);
      }
      return;
    }
    const button = document.getElementById("job-notify");
    const state = document.getElementById("job-notify-state");
    if (!button || !state) return;
    const allowed = offer(button, state, "You get a browser notification when it is done.", function () {
      sessionStorage.setItem(key, "1");
    });
    if (allowed && sessionStorage.getItem(key) && Notification.permission === "granted") allowed();
  }

  function uploadPage() {
    const button = document.getElementById("uploads-notify");
    const state = document.getElementById("uploads-notify-state");
    if (!button || !state || !window.JobUpdates) return;
    // Watched: jobs seen unfinished here, and jobs made after the page opened (a short file may be
    // done before the first poll ever sees it running).
    const openedAt = Date.now() - 5000;
    const unfinished = new Set();
    const announced = new Set();
    let armed = false;
    const allowed = offer(button, state, "You get a browser notification as each upload is transcribed.",
      function () { armed = true; });
    if (allowed && Notification.permission === "granted") allowed();
    window.JobUpdates.subscribe(function (job) {
      if (FINISHED.indexOf(job.status) < 0) { unfinished.add(job.id); return; }
      const watched = unfinished.has(job.id) || Date.parse(job.created_at) >= openedAt;
      if (!armed || !watched || announced.has(job.id)) return;
      announced.add(job.id);
      announce(job.name, job.status, "notify-when-done:" + job.id);
    });
  }

  const section = document.getElementById("job");
  if (section) jobPage(section);
  else if (document.getElementById("upload-form")) uploadPage();
})();
