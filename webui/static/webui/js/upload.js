// Upload page: several files at once, one request per file (so each has its own progress bar
// and its own refusal), then each job's progress live through JobUpdates.
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("file-input");
  const dropzone = document.getElementById("dropzone");
  const list = document.getElementById("uploads");
  const maxBytes = Number(form.dataset.maxBytes);
  const PARALLEL = 2;
  const waiting = [];
  const rowsByJob = new Map();
  let active = 0;

  function row(file) {
    const item = document.createElement("li");
    item.className = "upload";
    item.innerHTML = '<div class="name"></div><progress max="1" value="0"></progress><div class="state">Waiting to upload…</div>';
    item.querySelector(".name").textContent = file.name;
    list.prepend(item);
    return item;
  }

  function show(item, cls, text) {
    item.className = "upload " + cls;
    item.querySelector(".state").textContent = text;
  }

  function showJob(item, job) {
    item.querySelector(".name").innerHTML = "";
    const link = document.createElement("a");
    link.href = job.url;
    link.textContent = job.name;
    item.querySelector(".name").appendChild(link);
    item.querySelector("progress").value = job.status === "done" ? 1 : job.progress;
    const text = job.status === "failed" ? "Failed: " + job.error : window.JobUpdates.statusLabel(job);
    show(item, job.status, text);
  }

  function send(file, item, token) {
    active += 1;
    const data = new FormData(form);
    data.delete("files");
    data.append("files", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", window.JobUpdates.csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        item.querySelector("progress").value = event.loaded / event.total;
        item.querySelector(".state").textContent = "Uploading " + window.JobUpdates.percent(event.loaded / event.total);
      }
    });
    request.addEventListener("load", function () {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (error) { body = {}; }
      if (body.jobs && body.jobs.length) {
        const job = body.jobs[0];
        rowsByJob.set(job.id, item);
        showJob(item, job);
      } else if (body.refused && body.refused.length) {
        show(item, "refused", body.refused[0].error);
      } else {
        show(item, "refused", body.error || "The upload failed (HTTP " + request.status + ").");
      }
    });
    request.addEventListener("error", function () {
      show(item, "failed", "The connection broke during the upload: check the network and try this file again.");
    });
    request.addEventListener("loadend", function () { active -= 1; window.UploadGuard.settled(token); next(); });
    request.send(data);
  }

  function next() {
    while (active < PARALLEL && waiting.length) {
      const entry = waiting.shift();
      send(entry.file, entry.item, entry.token);
    }
  }

  function add(files) {
    Array.from(files).forEach(function (file) {
      const item = row(file);
      if (file.size === 0) {
        show(item, "refused", file.name + " is empty (0 bytes).");
      } else if (maxBytes && file.size > maxBytes) {
        show(item, "refused", file.name + " is larger than the " + form.dataset.maxMb + " MB limit per file.");
      } else {
        waiting.push({ file: file, item: item, token: window.UploadGuard.started(file.name) });
      }
    });
    next();
  }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  form.addEventListener("submit", function (event) { event.preventDefault(); input.click(); });
  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.remove("dragging"); });
  });
  dropzone.addEventListener("drop", function (event) { add(event.dataTransfer.files); });
  // The drop zone is the first stop after the skip link: Enter or Space opens the file chooser.
  dropzone.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
  });

  window.JobUpdates.subscribe(function (job) {
    const item = rowsByJob.get(job.id);
    if (item) showJob(item, job);
  });
  window.JobUpdates.pollUrl(form.action);
})();
