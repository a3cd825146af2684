// Transcript page: click a segment to play from there, highlight the segment being heard,
// follow a running job live and reload once it has finished.
"use strict";
(function () {
  const section = document.getElementById("job");
  const player = document.getElementById("player");
  const list = document.getElementById("segments");
  let current = null;

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  function segmentAt(seconds) {
    const items = list.querySelectorAll(".segment");
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      if (seconds >= Number(item.dataset.start) && seconds < Number(item.dataset.end)) return item;
    }
    return null;
  }

  function jump(item) {
    if (!player) return;
    player.currentTime = Number(item.dataset.start);
    player.play();
  }

  list.addEventListener("click", function (event) {
    const item = event.target.closest(".segment");
    if (item) jump(item);
  });
  list.addEventListener("keydown", function (event) {
    const item = event.target.closest(".segment");
    if (item && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); jump(item); }
  });

  if (player) {
    player.addEventListener("timeupdate", function () {
      const item = segmentAt(player.currentTime);
      if (item === current) return;
      if (current) current.classList.remove("current");
      current = item;
      if (item) {
        item.classList.add("current");
        if (!player.paused) item.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    });
  }

  const status = section.dataset.status;
  if (status !== "queued" && status !== "running") return;
  const bar = document.getElementById("job-progress");
  const text = document.getElementById("job-progress-text");
  window.JobUpdates.subscribe(function (job, newSegments) {
    if (job.id !== section.dataset.jobId) return;
    if (job.status !== "queued" && job.status !== "running") { window.location.reload(); return; }
    if (bar) bar.value = job.progress;
    if (text) text.textContent = window.JobUpdates.statusLabel(job);
    newSegments.forEach(function (segment) {
      const item = document.createElement("li");
      item.className = "segment";
      item.dataset.start = segment.start;
      item.dataset.end = segment.end;
      item.innerHTML = "<time></time><span></span>";
      item.querySelector("time").textContent = segment.start.toFixed(1) + " s";
      item.querySelector("span").textContent = segment.text;
      list.appendChild(item);
    });
  });
  window.JobUpdates.pollUrl(section.dataset.apiUrl);
})();
