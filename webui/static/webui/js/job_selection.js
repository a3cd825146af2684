// Job list: select jobs for the bulk actions (download as ZIP, delete); "select all" covers this page.
"use strict";
(function () {
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const all = document.getElementById("select-all");
  const boxes = function () { return Array.from(form.querySelectorAll('input[name="ids"]')); };

  function update() {
    const chosen = boxes().filter(function (box) { return box.checked; }).length;
    form.querySelectorAll("[data-needs-selection]").forEach(function (button) { button.disabled = chosen === 0; });
    all.checked = chosen > 0 && chosen === boxes().length;
    all.indeterminate = chosen > 0 && chosen < boxes().length;
  }

  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
    update();
  });
  form.addEventListener("change", function (event) { if (event.target.name === "ids") update(); });
  form.addEventListener("submit", function (event) {
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  update();
})();
