// Speakers on the job page: a colour and a name per speaker on every segment, renaming (stored
// on the job, so every export follows), and the name of whoever the player is at.
"use strict";
(function () {
  const section = document.getElementById("speakers");
  const list = document.getElementById("segments");
  if (!section || !list) return;
  const form = document.getElementById("speaker-names");
  const status = document.getElementById("speaker-names-status");
  const nowSpeaking = document.getElementById("current-speaker");
  const player = document.getElementById("player");
  // Distinct on white and for the common colour-vision deficiencies (Okabe-Ito).
  const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f6000", "#000000"];
  let names = JSON.parse(document.getElementById("speaker-names-data").textContent || "{}");
  const labels = Array.from(form.querySelectorAll(".speaker-field")).map(function (field) { return field.dataset.speaker; });

  function colour(label) {
    const index = labels.indexOf(label);
    return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
  }

  function nameOf(label) {
    if (names[label]) return names[label];
    const number = /^SPEAKER_(\d+)$/.exec(label || "");
    return number ? "Speaker " + number[1] : label;
  }

  function paint() {
    list.querySelectorAll(".segment[data-speaker]").forEach(function (item) {
      const label = item.dataset.speaker;
      let chip = item.querySelector(".speaker-chip");
      if (!chip) {
        chip = document.createElement("b");
        chip.className = "speaker-chip";
        item.insertBefore(chip, item.querySelector("span"));
      }
      chip.textContent = nameOf(label);
      chip.style.color = colour(label);
      item.style.borderLeftColor = colour(label);
    });
    form.querySelectorAll(".speaker-field").forEach(function (field) {
      field.querySelector(".speaker-swatch").style.background = colour(field.dataset.speaker);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const wanted = {};
    labels.forEach(function (label) { wanted[label] = form.elements[label].value.trim(); });
    status.textContent = "Saving…";
    fetch(section.dataset.renameUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      body: JSON.stringify(wanted),
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) { status.textContent = answer.body.error || "The names were not saved."; return; }
      names = answer.body.speaker_names;
      status.textContent = "Saved: downloads use the new names.";
      paint();
    }).catch(function () { status.textContent = "The names were not saved: the appliance did not answer."; });
  });

  if (player && nowSpeaking) {
    player.addEventListener("timeupdate", function () {
      const item = list.querySelector(".segment.current[data-speaker]");
      nowSpeaking.textContent = item ? nameOf(item.dataset.speaker) : "–";
      nowSpeaking.style.color = item ? colour(item.dataset.speaker) : "";
    });
  }
  // The transcript editor refills the segments from the current revision: paint them again.
  list.addEventListener("segments-rendered", paint);
  paint();
})();
