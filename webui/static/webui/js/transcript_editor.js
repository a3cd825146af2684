// Transcript editor on the job page: reads the current revision from the transcript API, shows doubtful
// words underlined, edits a segment in place (the player seeks to it and can loop it), saves without a
// reload (optimistic lock: a newer revision by someone else is shown, nothing is overwritten), find and
// replace, versions with restore, and #t=SECONDS links from search results.
// Keys while editing: Ctrl+Enter save, Esc cancel, Alt+Down/Alt+Up next/previous segment (saving),
// Ctrl+Space play/pause, Alt+Left back 5 s, Alt+L loop on/off.
"use strict";
(function () {
  const root = document.getElementById("transcript-editor");
  const list = document.getElementById("segments");
  if (!root || !list) return;
  const player = document.getElementById("player");
  const apiUrl = root.dataset.transcriptUrl;
  const DOUBTFUL_BELOW = Number(root.dataset.doubtfulBelow || 0.5);
  const REWIND_SECONDS = 5;
  const DOUBTFUL_SEGMENT_LOGPROB = -1.0; // Whisper's own threshold for a decoding it would retry
  const status = root.querySelector("[data-editor-status]");
  const loopBox = root.querySelector("[data-editor-loop]");
  const versions = root.querySelector("[data-editor-versions]");
  let transcript = null; // {revision: {number, ...}, segments: [...]}
  let editing = null; // {segment, item, textarea}

  function csrfToken() { return document.querySelector('meta[name="csrf-token"]').content; }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function request(url, options) {
    const settings = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    settings.headers = Object.assign({ Accept: "application/json", "X-CSRFToken": csrfToken() }, settings.headers);
    return fetch(url, settings).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  function timeLabel(seconds) { return seconds.toFixed(1) + " s"; }

  // Fills a list item in place: the items the page rendered stay the same elements (the player's
  // "current" mark and anything holding them keep working), only their content is replaced. The
  // markup is the page's own (data-speaker, .word spans with their times), so the speaker colours
  // and the heard-word highlight repaint from it when told with "segments-rendered".
  function fillItem(item, segment) {
    item.classList.add("segment");
    item.tabIndex = 0;
    item.dataset.id = segment.id;
    item.dataset.start = segment.start;
    item.dataset.end = segment.end;
    if (segment.speaker) item.dataset.speaker = segment.speaker;
    else delete item.dataset.speaker;
    const time = document.createElement("time");
    time.textContent = timeLabel(segment.start);
    item.replaceChildren(time);
    const text = document.createElement("span");
    text.className = "text";
    if (segment.words.length) {
      segment.words.forEach(function (word, index) {
        const span = document.createElement("span");
        span.className = "word";
        span.dataset.start = word.start;
        span.dataset.end = word.end;
        span.textContent = word.word;
        if (word.probability < DOUBTFUL_BELOW) {
          span.classList.add("doubtful");
          span.title = "Whisper was " + Math.round(word.probability * 100) + " % sure of this word";
        }
        if (index) text.appendChild(document.createTextNode(" "));
        text.appendChild(span);
      });
    } else {
      text.textContent = segment.text;
      if (segment.avg_logprob !== null && segment.avg_logprob < DOUBTFUL_SEGMENT_LOGPROB) {
        text.classList.add("doubtful");
        text.title = "Whisper was unsure of this segment";
      }
    }
    item.appendChild(text);
    return item;
  }

  function announceRendered() { list.dispatchEvent(new CustomEvent("segments-rendered")); }

  function render() {
    const items = list.querySelectorAll(".segment");
    if (items.length === transcript.segments.length) {
      transcript.segments.forEach(function (segment, index) { fillItem(items[index], segment); });
    } else {
      list.replaceChildren.apply(list, transcript.segments.map(function (segment) {
        return fillItem(document.createElement("li"), segment);
      }));
    }
    root.querySelector("[data-editor-revision]").textContent = "Revision " + transcript.revision.number;
    announceRendered();
  }

  function load(document) {
    transcript = document;
    editing = null;
    render();
  }

  function segmentById(id) {
    return transcript.segments.find(function (segment) { return segment.id === id; });
  }

  function itemOf(segment) { return list.querySelector('.segment[data-id="' + segment.id + '"]'); }

  // --- editing one segment ---------------------------------------------------------------------------------
  function openEditor(segment, initialText) {
    if (editing && editing.segment === segment) return;
    closeEditor();
    const item = itemOf(segment);
    const form = document.createElement("form");
    form.className = "segment-editor";
    const textarea = document.createElement("textarea");
    textarea.rows = 2;
    textarea.value = initialText === undefined ? segment.text : initialText;
    textarea.setAttribute("aria-label", "Text of the segment at " + timeLabel(segment.start));
    form.appendChild(textarea);
    let speakerInput = null;
    if (segment.speaker !== undefined) {
      speakerInput = document.createElement("input");
      speakerInput.type = "text";
      speakerInput.value = segment.speaker || "";
      speakerInput.setAttribute("aria-label", "Speaker");
      form.appendChild(speakerInput);
    }
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "primary";
    save.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    form.append(save, cancel);
    // Clicks and keys inside the editor must not reach the page's "click a segment (or press
    // Space on it) to play" handlers; the player's own shortcuts still work from here.
    form.addEventListener("click", function (event) { event.stopPropagation(); });
    form.addEventListener("keydown", function (event) { playerKeys(event); event.stopPropagation(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); saveEditing(); });
    cancel.addEventListener("click", closeEditor);
    textarea.addEventListener("keydown", editorKeys);
    item.classList.add("editing");
    item.querySelector(".text").hidden = true;
    item.appendChild(form);
    editing = { segment: segment, item: item, textarea: textarea, speaker: speakerInput };
    textarea.focus();
    if (player) player.currentTime = segment.start;
  }

  function closeEditor() {
    if (!editing) return;
    editing.item.classList.remove("editing");
    editing.item.querySelector(".text").hidden = false;
    editing.item.querySelector("form").remove();
    editing = null;
  }

  function editedFields() {
    if (!editing) return null;
    const change = { id: editing.segment.id };
    if (editing.textarea.value.trim() !== editing.segment.text) change.text = editing.textarea.value;
    if (editing.speaker && editing.speaker.value.trim() !== (editing.segment.speaker || "")) change.speaker = editing.speaker.value.trim();
    return Object.keys(change).length > 1 ? change : null;
  }

  function saveEditing() {
    const change = editedFields();
    if (!change) { closeEditor(); return Promise.resolve(true); }
    const open = editing;
    return saveChanges([change]).then(function (saved) {
      if (saved && editing === open) closeEditor();
      return saved;
    });
  }

  function saveChanges(changes) {
    say("Saving…");
    return request(apiUrl, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ revision: transcript.revision.number, segments: changes }),
    }).then(function (answer) {
      if (answer.status === 409 && answer.body.transcript) {
        // Someone saved first: show their revision, keep this person's text in the editor to save again.
        const mine = editing ? { id: editing.segment.id, text: editing.textarea.value } : null;
        load(answer.body.transcript);
        if (mine && segmentById(mine.id)) openEditor(segmentById(mine.id), mine.text);
        say(answer.body.error + " Your text is still in the editor.", true);
        return false;
      }
      if (!answer.ok) { say(answer.body.error || "The change was not saved.", true); return false; }
      transcript.revision = answer.body.revision;
      answer.body.segments.forEach(function (saved) {
        const index = transcript.segments.findIndex(function (segment) { return segment.id === saved.id; });
        const wasEditing = editing && editing.segment.id === saved.id;
        if (wasEditing) closeEditor();
        transcript.segments[index] = saved;
        fillItem(itemOf(saved), saved);
      });
      announceRendered();
      root.querySelector("[data-editor-revision]").textContent = "Revision " + transcript.revision.number;
      say("Saved as revision " + transcript.revision.number + ".");
      refreshVersions();
      return true;
    }, function () { say("The appliance could not be reached: the change was not saved.", true); return false; });
  }

  function move(step) {
    if (!editing) return;
    const index = transcript.segments.indexOf(editing.segment) + step;
    const target = transcript.segments[index];
    saveEditing().then(function (saved) { if (saved && target) openEditor(target); });
  }

  function editorKeys(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveEditing(); }
    else if (event.key === "Escape") { event.preventDefault(); closeEditor(); }
    else if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.altKey && event.key === "ArrowUp") { event.preventDefault(); move(-1); }
  }

  // --- the player --------------------------------------------------------------------------------------------
  function togglePlay() { if (player) { if (player.paused) player.play(); else player.pause(); } }

  function playerKeys(event) {
    if (!player || event.defaultPrevented) return;
    if (event.ctrlKey && (event.key === " " || event.code === "Space")) { event.preventDefault(); togglePlay(); }
    else if (event.altKey && event.key === "ArrowLeft") { event.preventDefault(); player.currentTime = Math.max(0, player.currentTime - REWIND_SECONDS); }
    else if (event.altKey && (event.key === "l" || event.key === "L")) { event.preventDefault(); loopBox.checked = !loopBox.checked; }
  }
  document.addEventListener("keydown", playerKeys);

  if (player) {
    player.addEventListener("timeupdate", function () {
      if (loopBox.checked && editing && player.currentTime >= editing.segment.end) player.currentTime = editing.segment.start;
    });
  }

  // In edit mode a click on a segment opens it (the page's own handler seeks the player there);
  // a double click opens one at any time.
  const editButton = root.querySelector("[data-editor-edit]");
  function editModeOn() { return editButton.getAttribute("aria-pressed") === "true"; }
  list.addEventListener("click", function (event) {
    const item = event.target.closest(".segment");
    if (item && transcript && editModeOn()) openEditor(segmentById(Number(item.dataset.id)));
  });
  list.addEventListener("dblclick", function (event) {
    const item = event.target.closest(".segment");
    if (item && transcript) openEditor(segmentById(Number(item.dataset.id)));
  });
  list.addEventListener("keydown", function (event) {
    const item = event.target.closest(".segment");
    if (item && transcript && event.key === "F2") { event.preventDefault(); openEditor(segmentById(Number(item.dataset.id))); }
  });
  editButton.addEventListener("click", function () {
    const on = !editModeOn();
    editButton.setAttribute("aria-pressed", String(on));
    root.classList.toggle("edit-mode", on);
    list.classList.toggle("edit-mode", on);
    if (!on) { closeEditor(); return; }
    if (!transcript || !transcript.segments.length) return;
    const current = list.querySelector(".segment.current");
    openEditor(current ? segmentById(Number(current.dataset.id)) : transcript.segments[0]);
  });

  // --- find and replace --------------------------------------------------------------------------------------
  const findInput = root.querySelector("[data-editor-find]");
  const replaceInput = root.querySelector("[data-editor-replace]");
  const matchCase = root.querySelector("[data-editor-match-case]");

  function finder() {
    const needle = findInput.value;
    if (!needle) return null;
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(escaped, matchCase.checked ? "g" : "gi");
  }

  root.querySelector("[data-editor-find-next]").addEventListener("click", function () {
    const pattern = finder();
    if (!pattern || !transcript) return;
    const from = editing ? transcript.segments.indexOf(editing.segment) + 1 : 0;
    const order = transcript.segments.slice(from).concat(transcript.segments.slice(0, from));
    const found = order.find(function (segment) { pattern.lastIndex = 0; return pattern.test(segment.text); });
    if (!found) { say("\u201c" + findInput.value + "\u201d is not in the transcript."); return; }
    openEditor(found);
    itemOf(found).scrollIntoView({ block: "center" });
    say("");
  });

  root.querySelector("[data-editor-replace-all]").addEventListener("click", function () {
    const pattern = finder();
    if (!pattern || !transcript) return;
    const changes = [];
    transcript.segments.forEach(function (segment) {
      const replaced = segment.text.replace(pattern, function () { return replaceInput.value; });
      if (replaced !== segment.text) changes.push({ id: segment.id, text: replaced });
    });
    if (!changes.length) { say("\u201c" + findInput.value + "\u201d is not in the transcript."); return; }
    closeEditor();
    saveChanges(changes).then(function (saved) {
      if (saved) say("Replaced in " + changes.length + " segment" + (changes.length === 1 ? "" : "s") + ": revision " + transcript.revision.number + ".");
    });
  });

  // --- versions ----------------------------------------------------------------------------------------------
  const KINDS = { machine: "Machine transcript", edit: "Edit", restore: "Restored" };

  function refreshVersions() {
    if (!versions.open) return;
    request(apiUrl + "revisions/").then(function (answer) {
      if (!answer.ok) return;
      const rows = answer.body.revisions.map(function (revision) {
        const row = document.createElement("li");
        const when = new Date(revision.created_at).toLocaleString();
        let label = revision.number + ". " + KINDS[revision.kind] + (revision.restored_from ? " of revision " + revision.restored_from : "");
        label += " \u2013 " + (revision.author || "Whisper") + ", " + when;
        if (revision.changed_segment_ids.length) label += " (" + revision.changed_segment_ids.length + " segment" + (revision.changed_segment_ids.length === 1 ? "" : "s") + ")";
        row.append(label + " ");
        const view = document.createElement("button");
        view.type = "button";
        view.textContent = "View";
        view.dataset.view = revision.number;
        row.appendChild(view);
        if (revision.number === answer.body.current) {
          row.append("(current)");
        } else {
          const restore = document.createElement("button");
          restore.type = "button";
          restore.textContent = "Restore";
          restore.dataset.restore = revision.number;
          row.appendChild(restore);
        }
        return row;
      });
      versions.querySelector("ol").replaceChildren.apply(versions.querySelector("ol"), rows);
    });
  }

  versions.addEventListener("toggle", refreshVersions);
  function showRevision(number) {
    const shown = versions.querySelector("[data-editor-revision-view]");
    request(apiUrl + "revisions/" + number + "/").then(function (answer) {
      if (!answer.ok) { say(answer.body.error || "The revision could not be read.", true); return; }
      const heading = document.createElement("h3");
      heading.textContent = "Revision " + number + " (read only)";
      const items = answer.body.segments.map(function (segment) {
        const item = document.createElement("li");
        item.textContent = timeLabel(segment.start) + "  " + segment.text;
        return item;
      });
      const listed = document.createElement("ol");
      listed.className = "revision-text";
      listed.replaceChildren.apply(listed, items);
      shown.replaceChildren(heading, listed);
    });
  }

  versions.addEventListener("click", function (event) {
    if (event.target.dataset && event.target.dataset.view) { showRevision(event.target.dataset.view); return; }
    const number = event.target.dataset && event.target.dataset.restore;
    if (!number) return;
    request(apiUrl + "revisions/" + number + "/restore/", { method: "POST" }).then(function (answer) {
      if (!answer.ok) { say(answer.body.error || "The revision was not restored.", true); return; }
      load(answer.body);
      say("Revision " + number + " is the current text again (revision " + transcript.revision.number + ").");
      refreshVersions();
    });
  });

  // --- start ---------------------------------------------------------------------------------------------------
  function seekToFragment() {
    const match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (!match || !player || !transcript) return;
    const seconds = Number(match[1]);
    player.currentTime = seconds;
    const segment = transcript.segments.find(function (candidate) { return seconds >= candidate.start && seconds < candidate.end; });
    if (segment) {
      itemOf(segment).classList.add("current");
      itemOf(segment).scrollIntoView({ block: "center" });
    }
  }

  request(apiUrl).then(function (answer) {
    if (!answer.ok) { say(answer.body.error || "The transcript could not be loaded.", true); return; }
    load(answer.body);
    root.hidden = false;
    seekToFragment();
  });
  window.addEventListener("hashchange", seekToFragment);
})();
