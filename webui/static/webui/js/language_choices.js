// Language and Task follow the chosen model wherever both are offered (upload, re-run, live):
// an English-only model (tiny.en, base.en) hears only English and cannot translate, so both are
// fixed to what it will really do, and a sentence says why and which model would do more.
"use strict";
(function () {
  function wire(box) {
    const model = box.querySelector('[data-choice="model"]');
    const language = box.querySelector('[data-choice="language"]');
    const task = box.querySelector('[data-choice="task"]');
    const hint = box.querySelector('[data-choice="hint"]');
    if (!model || !language) return;
    // What the person chose themselves, restored when a multilingual model is chosen again.
    const chosen = { language: language.value, task: task ? task.value : "transcribe" };
    let fixed = false;
    language.addEventListener("change", function () { if (!fixed) chosen.language = language.value; });
    if (task) task.addEventListener("change", function () { if (!fixed) chosen.task = task.value; });

    function multilingualModels() {
      return Array.from(model.options)
        .filter(function (option) { return option.dataset.multilingual === "true"; })
        .map(function (option) { return option.value; });
    }

    function explain(name) {
      const others = multilingualModels();
      return name + " knows only English, so Language is English and Task is Transcribe. " +
        (others.length
          ? "To detect another language or to translate, choose " + others.join(" or ") + "."
          : "To detect other languages or translate, an admin installs a multilingual model (such as base) in the panel.");
    }

    function sync() {
      const option = model.selectedOptions[0];
      const englishOnly = Boolean(option && option.dataset.multilingual === "false");
      if (englishOnly) {
        fixed = true;
        language.value = "en";
        language.disabled = true;
        if (task) { task.value = "transcribe"; task.disabled = true; }
        if (hint) { hint.textContent = explain(option.value); hint.hidden = false; }
      } else {
        if (fixed) {
          language.value = chosen.language;
          if (task) task.value = chosen.task;
        }
        fixed = false;
        language.disabled = false;
        if (task) task.disabled = false;
        if (hint) { hint.textContent = ""; hint.hidden = true; }
      }
    }

    model.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("[data-language-choices]").forEach(wire);
})();
