// Risk-of-bias domain screen: answer the current question with a key (y yes, p probably yes,
// o probably no, n no, i no information, 1-9 the n-th option), move with j/k. The form saves
// through htmx on every change and comes back with the questions now asked and the proposal;
// the next unanswered question is then current. Keys typed in a field are left alone.
(function () {
  "use strict";
  let current = null; // the id of the current question

  function questions() {
    return Array.from(document.querySelectorAll("#domain-form fieldset.rob-question"));
  }

  function mark(id) {
    const all = questions();
    let found = all.find((q) => q.dataset.question === id);
    if (!found) found = all.find((q) => !q.hasAttribute("data-answered")) || all[0];
    all.forEach((q) => q.classList.toggle("current", q === found));
    current = found ? found.dataset.question : null;
    if (found) found.scrollIntoView({ block: "nearest" });
  }

  function afterAnswer(id) {
    // The first unanswered question after the one just answered (the swap may add some).
    const all = questions();
    const index = all.findIndex((q) => q.dataset.question === id);
    const next = all.slice(index + 1).find((q) => !q.hasAttribute("data-answered"));
    mark(next ? next.dataset.question : id);
  }

  // From the request until htmx has set up the new form, a key would be lost (the old form
  // is gone, the new one not yet listening): it is kept and applied once the form is ready.
  let answered = null;
  let busy = false;
  let pending = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.id !== "domain-form") return;
    busy = true;
    event.detail.elt.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.elt.id !== "domain-form" && event.detail.target.id !== "domain-form") return;
    busy = false;
    if (answered) afterAnswer(answered);
    else mark(current);
    answered = null;
    if (pending) {
      const key = pending;
      pending = null;
      press(key);
    }
  });
  document.addEventListener("htmx:sendError", () => {
    busy = false;
    const form = document.getElementById("domain-form");
    if (form) form.removeAttribute("aria-busy");
  });
  document.addEventListener("click", (event) => {
    const box = event.target.closest && event.target.closest("fieldset.rob-question");
    if (box) mark(box.dataset.question);
  });
  document.addEventListener("change", (event) => {
    const box = event.target.closest && event.target.closest("fieldset.rob-question");
    if (box && event.target.type === "radio") answered = box.dataset.question;
  }, true);

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input[type=text], input:not([type]), textarea, select")) return;
    const form = document.getElementById("domain-form");
    if (!form || !form.hasAttribute("hx-post")) return;
    const key = event.key.toLowerCase();
    const all = questions();
    const index = all.findIndex((q) => q.dataset.question === current);
    if (key === "j" || key === "k") {
      event.preventDefault();
      const next = all[Math.max(0, Math.min(all.length - 1, index + (key === "j" ? 1 : -1)))];
      if (next) mark(next.dataset.question);
      return;
    }
    const box = all[index];
    if (!box || !box.querySelector('input[data-answer-key="' + key + '"]')) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.repeat) return;
    if (busy) {
      pending = key;
      return;
    }
    press(key);
  }, true);

  function press(key) {
    const box = questions().find((q) => q.dataset.question === current);
    const radio = box && box.querySelector('input[data-answer-key="' + key + '"]');
    if (!radio) return;
    if (radio.checked) {
      afterAnswer(box.dataset.question);
      return;
    }
    radio.checked = true;
    answered = box.dataset.question;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("DOMContentLoaded", () => mark(null));
})();
