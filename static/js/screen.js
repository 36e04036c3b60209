// Prefetch on the screening page: the record after the one shown comes with the page in a
// <template id="upcoming">. When a decision is sent, it is drawn at once, so the next
// record appears with no wait; the server's answer then replaces the section (normally
// with the same record) and the buttons, disabled meanwhile, come back.
//
// A key pressed meanwhile is kept and applied once the answer is in, but only if the
// answer shows the record the reviewer was looking at when pressing it.
//
// The progress bar polls every 5 s, but only after a decision or an undo since its last count
// (the server announces them with an HX-Trigger "screening-decided" event).
window.evidentProgressStale = false;
(function () {
  "use strict";
  let held = null;

  document.body.addEventListener("screening-decided", () => {
    window.evidentProgressStale = true;
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.id === "progress") window.evidentProgressStale = false;
  });

  function shownRecord() {
    const article = document.querySelector("#screen .screen-record");
    return article ? article.dataset.record : null;
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form.decision-bar")) return;
    const upcoming = document.getElementById("upcoming");
    const current = document.querySelector("#screen .screen-record");
    if (!upcoming || !current) return;
    current.replaceWith(upcoming.content.cloneNode(true));
    document.getElementById("screen").setAttribute("aria-busy", "true");
  });

  document.addEventListener("evident:busy-key", (event) => {
    held = { key: event.detail.key, record: shownRecord() };
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    // Only the decision's answer settles a held key; the progress bar refreshes on its own.
    if (!held || event.target.closest("#progress")) return;
    const { key, record } = held;
    held = null;
    const form = document.querySelector("#screen form.decision-bar");
    const value = form && form.querySelector("input[name=record]").value;
    if (value !== record) return;
    // After htmx has finished with the new section, as if the key were pressed now.
    setTimeout(() => {
      const element = document.querySelector('[data-key="' + key + '"]');
      if (element && !element.disabled) element.click();
    }, 0);
  });
})();

// The progress bar's poll goes out only when there is something new to count. Checked here
// rather than in an hx-trigger [condition], which htmx runs through eval, and the
// Content-Security-Policy refuses eval.
document.addEventListener("htmx:confirm", (event) => {
  if (event.detail.elt.id === "progress" && !window.evidentProgressStale) event.preventDefault();
});
