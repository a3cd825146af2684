// Uploads must not vanish silently when the page is left: while a file is waiting or uploading,
// leaving asks first (beforeunload), and the names of the files that were still on their way are
// kept for this tab (sessionStorage) so the next page says which ones did not arrive.
"use strict";
(function () {
  const KEY = "whisper-appliance:uploads-not-arrived";
  const pending = new Map();
  let nextToken = 1;
  let leaving = false;

  function remember() {
    if (leaving) return;
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(Array.from(pending.values())));
    } catch (error) {
      // Storage may be off (private mode): the warning before leaving still works.
    }
  }

  function pendingStarted(name) {
    const token = nextToken++;
    pending.set(token, name);
    remember();
    return token;
  }

  function pendingSettled(token) {
    pending.delete(token);
    remember();
  }

  window.addEventListener("beforeunload", function (event) {
    if (!pending.size) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show their question only with a returnValue
  });
  // Once the page is really going, the aborted requests' error events must not clear the list.
  window.addEventListener("pagehide", function () { remember(); leaving = true; });

  function notArrived() {
    try {
      const names = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      window.sessionStorage.removeItem(KEY);
      return Array.isArray(names) ? names : [];
    } catch (error) {
      return [];
    }
  }

  function showNotArrived(names) {
    if (!names.length) return;
    const notice = document.createElement("div");
    notice.className = "card error";
    notice.id = "uploads-not-arrived";
    notice.setAttribute("role", "alert");
    notice.innerHTML = "<p></p><ul></ul><p>Upload them again.</p>";
    notice.querySelector("p").textContent = (names.length === 1 ? "This file" : "These files") +
      " did not arrive: the page was left while " + (names.length === 1 ? "it was" : "they were") + " uploading.";
    names.forEach(function (name) {
      const item = document.createElement("li");
      item.textContent = name;
      notice.querySelector("ul").appendChild(item);
    });
    const main = document.querySelector("main") || document.body;
    const heading = main.querySelector("h1");
    if (heading) heading.after(notice); else main.prepend(notice);
  }

  showNotArrived(notArrived());
  window.UploadGuard = { started: pendingStarted, settled: pendingSettled };
})();
