// Job page: a browser notification when the job finishes, for people who switched tabs.
// Armed per job in sessionStorage, because the page reloads itself when the job ends: the
// reloaded page sees the job finished and the flag still set, and notifies once.
"use strict";
(function () {
  const section = document.getElementById("job");
  if (!section || !("Notification" in window)) return;
  const jobId = section.dataset.jobId;
  const key = "notify-when-done:" + jobId;
  const finished = ["done", "failed", "cancelled"].indexOf(section.dataset.status) >= 0;
  const WORDS = { done: "is transcribed", failed: "failed", cancelled: "was cancelled" };

  if (finished) {
    if (sessionStorage.getItem(key) && Notification.permission === "granted") {
      sessionStorage.removeItem(key);
      const name = document.querySelector("#job h1").textContent;
      const notice = new Notification(name + " " + WORDS[section.dataset.status], { tag: key });
      notice.addEventListener("click", function () { window.focus(); notice.close(); });
    }
    return;
  }

  const button = document.getElementById("job-notify");
  const state = document.getElementById("job-notify-state");
  if (!button || !state) return;

  function armed() {
    sessionStorage.setItem(key, "1");
    button.hidden = true;
    state.textContent = "You get a browser notification when it is done.";
  }

  if (Notification.permission === "denied") {
    state.textContent = "Notifications are blocked for this site in the browser's settings.";
    return;
  }
  if (sessionStorage.getItem(key) && Notification.permission === "granted") { armed(); return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission === "granted") armed();
      else state.textContent = "Without the browser's permission there can be no notification.";
    });
  });
})();
