// Transcript page, for jobs run with word timestamps: the word being heard is highlighted as
// the player plays, and clicking a word plays from that word.
"use strict";
(function () {
  const data = document.getElementById("job-words");
  const player = document.getElementById("player");
  const list = document.getElementById("segments");
  if (!data || !player || !list) return;
  const perSegment = JSON.parse(data.textContent);
  let words = []; // { start, end, element }, in time order
  let current = null;
  let frame = null;

  // The page renders plain segment text; the words and their times come with it as data.
  list.querySelectorAll(".segment").forEach(function (item, index) {
    const timings = perSegment[index];
    const text = item.querySelector("span");
    if (!timings || !timings.length || !text || text.querySelector(".word")) return;
    text.textContent = "";
    timings.forEach(function (timing) {
      const element = document.createElement("span");
      element.className = "word";
      element.dataset.start = timing[0];
      element.dataset.end = timing[1];
      element.textContent = timing[2];
      text.appendChild(element);
    });
  });

  // The index is read back from the page, so it follows the transcript editor when it refills the
  // segments from the current revision (its words carry the same data-start/data-end).
  function indexWords() {
    words = Array.from(list.querySelectorAll(".word")).map(function (element) {
      return { start: Number(element.dataset.start), end: Number(element.dataset.end), element: element };
    }).filter(function (word) { return !Number.isNaN(word.start) && !Number.isNaN(word.end); });
    words.sort(function (a, b) { return a.start - b.start; });
    current = null;
  }
  indexWords();
  list.addEventListener("segments-rendered", function () {
    const wasFollowing = current !== null; // a word lit before the refill is lit again in the new markup
    indexWords();
    if (wasFollowing) highlight();
  });

  function wordAt(seconds) {
    let low = 0;
    let high = words.length - 1;
    let found = -1;
    while (low <= high) { // the last word that starts at or before `seconds`
      const middle = (low + high) >> 1;
      if (words[middle].start <= seconds) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found >= 0 && seconds < words[found].end ? words[found].element : null;
  }

  function highlight() {
    const element = wordAt(player.currentTime);
    if (element === current) return;
    if (current) current.classList.remove("current");
    current = element;
    if (element) element.classList.add("current");
  }

  // timeupdate comes only about four times a second, slower than speech: follow every frame.
  function follow() {
    highlight();
    frame = player.paused ? null : window.requestAnimationFrame(follow);
  }

  player.addEventListener("play", function () { if (frame === null) frame = window.requestAnimationFrame(follow); });
  ["timeupdate", "seeked", "pause"].forEach(function (name) { player.addEventListener(name, highlight); });

  list.addEventListener("click", function (event) {
    const word = event.target.closest(".word");
    if (!word) return;
    // After the segment's own handler (job_detail.js), which starts at the segment's beginning.
    player.currentTime = Number(word.dataset.start);
    player.play();
  });
})();
