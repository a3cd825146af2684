// LLM actions on the job page: POST to the job API, read its server-sent events as they arrive and
// show the answer token by token. "Stop" aborts the request; the server notices the closed connection
// and stops at its next token. A finished clean-up reloads the page to show the new revision.
(function () {
  "use strict";
  const section = document.getElementById("llm-actions");
  if (!section) return;
  const status = document.getElementById("llm-status");
  const output = document.getElementById("llm-output");
  const progress = document.getElementById("llm-progress");
  const stop = document.getElementById("llm-cancel");
  const buttons = section.querySelectorAll("[data-llm-action]");
  let running = null;

  function csrfToken() { return document.querySelector('meta[name="csrf-token"]').content; }

  function setBusy(busy) {
    buttons.forEach((button) => { button.disabled = busy; });
    stop.hidden = !busy;
    progress.hidden = !busy;
  }

  function describeCleanup(done) {
    const parts = [done.edits ? `${done.edits} line(s) corrected as revision ${done.revision}` : "Nothing needed correcting"];
    if (done.flagged.length) parts.push(`${done.flagged.length} line(s) changed too much and were NOT taken: ` +
      done.flagged.map((line) => `#${line.id} "${line.proposal}"`).join("; "));
    if (done.missing.length) parts.push(`${done.missing.length} line(s) left out by the model kept as heard`);
    return parts.join(". ") + ".";
  }

  function handle(event, answer) {
    if (event.event === "progress") {
      progress.value = (event.step - 1) / event.steps;
      status.textContent = `Part ${event.step} of ${event.steps}…`;
      answer.textContent = "";
    } else if (event.event === "token") {
      answer.textContent += event.text;
    } else if (event.event === "done") {
      progress.value = 1;
      status.textContent = event.action === "cleanup" ? describeCleanup(event) :
        `Done in ${event.tokens} tokens (first after ${event.first_token_seconds.toFixed(1)} s).`;
      if (event.action === "cleanup" && event.revision) setTimeout(() => window.location.reload(), 1500);
    } else if (event.event === "error") {
      status.textContent = event.message;
    } else if (event.event === "cancelled") {
      status.textContent = "Stopped.";
    }
  }

  async function run(action, label) {
    running = new AbortController();
    setBusy(true);
    status.textContent = "Asking the language model…";
    const heading = document.createElement("h3");
    heading.textContent = label;
    const answer = document.createElement("p");
    answer.className = "llm-answer";
    output.replaceChildren(heading, answer);
    try {
      const response = await fetch(`${section.dataset.url}${action}/`, {
        method: "POST", signal: running.signal,
        headers: { Accept: "text/event-stream", "X-CSRFToken": csrfToken() },
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        status.textContent = body.error || `The appliance answered ${response.status}.`;
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
          if (data) handle(JSON.parse(data), answer);
        }
      }
    } catch (error) {
      status.textContent = error.name === "AbortError" ? "Stopped." : `The stream broke off: ${error.message}`;
    } finally {
      setBusy(false);
      running = null;
    }
  }

  buttons.forEach((button) => button.addEventListener("click", () => run(button.dataset.llmAction, button.textContent)));
  stop.addEventListener("click", () => { if (running) running.abort(); });
})();
