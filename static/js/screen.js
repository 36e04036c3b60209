// Prefetch on the screening page: the record after the one shown comes with the page in a
// <template id="upcoming">. When a decision is sent, it is drawn at once, so the next
// record appears with no wait; the server's answer then replaces the section (normally
// with the same record) and the buttons, disabled meanwhile, come back.
//
// A decision on a record that appeared less than MIN_SEEN_MS ago is dropped: no one has read
// a record that fast, so it is a key pressed twice, or a double click, meant for the record
// before (which the prefetch has just replaced).
//
// A key pressed while a decision is on its way is kept and applied once the answer is in,
// but only if the record was on screen long enough, and the answer shows that same record.
//
// The progress bar polls every 5 s, but only after a decision or an undo since its last count
// (the server announces them with an HX-Trigger "screening-decided" event).
window.evidentProgressStale = false;
(function () {
  "use strict";
  const MIN_SEEN_MS = 400;
  let held = null;
  let seen = { record: null, since: 0 };

  // The count moves at once by what the server says the answer changed (+1 a new decision,
  // -1 an undo, 0 a changed one); the poll then recounts.
  document.body.addEventListener("screening-decided", (event) => {
    window.evidentProgressStale = true;
    const delta = (event.detail && Number(event.detail.delta)) || 0;
    const count = document.querySelector("#progress [data-decided]");
    const bar = document.querySelector("#progress progress");
    if (!delta || !count || !bar) return;
    const decided = Math.max(0, Number(count.textContent) + delta);
    count.textContent = String(decided);
    bar.value = decided;
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.id === "progress") window.evidentProgressStale = false;
  });

  function shownRecord() {
    const article = document.querySelector("#screen .screen-record");
    return article ? article.dataset.record : null;
  }

  function noteShown() {
    const record = shownRecord();
    if (record === seen.record) return;
    // A message about the record before ("Uploaded report.pdf") is not about this one.
    if (seen.record !== null) document.querySelectorAll("main > .messages").forEach((m) => m.remove());
    seen = { record, since: performance.now() };
  }

  function readLongEnough() {
    return performance.now() - seen.since >= MIN_SEEN_MS;
  }

  noteShown();
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (form.matches && form.matches("form.decision-bar") && !readLongEnough()) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form.decision-bar")) return;
    const upcoming = document.getElementById("upcoming");
    const current = document.querySelector("#screen .screen-record");
    if (!upcoming || !current) return;
    current.replaceWith(upcoming.content.cloneNode(true));
    document.getElementById("screen").setAttribute("aria-busy", "true");
    noteShown();
  });

  document.addEventListener("evident:busy-key", (event) => {
    held = readLongEnough() ? { key: event.detail.key, record: shownRecord() } : null;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target.closest("#progress")) return;
    noteShown();
    // Only the decision's answer settles a held key; the progress bar refreshes on its own.
    if (!held) return;
    const { key, record } = held;
    held = null;
    const form = document.querySelector("#screen form.decision-bar");
    const value = form && form.querySelector("input[name=record]").value;
    if (value !== record) return;
    // After htmx has finished with the new section, as if the key were pressed now.
    setTimeout(() => {
      const element = document.querySelector('[data-key="' + key + '"]');
      if (element && !element.matches(":disabled")) element.click();
    }, 0);
  });
})();

// The progress bar's poll goes out only when there is something new to count. Checked here
// rather than in an hx-trigger [condition], which htmx runs through eval, and the
// Content-Security-Policy refuses eval.
document.addEventListener("htmx:confirm", (event) => {
  if (event.detail.elt.id === "progress" && !window.evidentProgressStale) event.preventDefault();
});

// Back or Forward may show the page from the browser's memory as it was, before the decisions
// made on it since: load it afresh, so a decided record never shows as undecided.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});

// The question and criteria panel stays as the reviewer left it, from record to record and
// from one visit to the next.
(function () {
  "use strict";
  const criteria = document.getElementById("criteria");
  if (!criteria) return;
  const key = "evident-criteria-open";
  const saved = window.localStorage.getItem(key);
  if (saved !== null) criteria.open = saved === "1";
  criteria.addEventListener("toggle", () => {
    window.localStorage.setItem(key, criteria.open ? "1" : "0");
  });
})();
