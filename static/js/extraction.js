// The extraction entry page: saves as you go, without ever losing what was typed.
//
// Each field, arm row and outcome row posts itself (htmx, on change) and gets back only its
// status cell, so a refused value stays in its input with the reason beside it. When the
// server fails (5xx) or cannot be reached, the answer is not swapped in: the row is marked
// unsaved, the banner says so, and the row is sent again every few seconds until it is saved.
// Leaving the page with unsaved rows asks first.
//
// Keyboard: Tab follows the report's table; Enter starts the next row, Shift+Enter the one
// before; a row's format decides which number inputs it shows.
(function () {
  "use strict";
  const RETRY_MS = 5000;
  const banner = () => document.querySelector(".unsaved-banner");

  function refreshBanner() {
    const pending = document.querySelector("[data-autosave][data-unsaved]");
    const element = banner();
    if (element) element.hidden = !pending;
  }

  function state(elt, text, kind) {
    const target = elt.querySelector(".save-state");
    if (!target) return;
    target.textContent = "";
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    target.appendChild(span);
  }

  function retryLater(elt) {
    if (elt.dataset.retry) return;
    elt.dataset.retry = "1";
    window.setTimeout(() => {
      delete elt.dataset.retry;
      if (elt.hasAttribute("data-unsaved")) htmx.trigger(elt, "change");
    }, RETRY_MS);
  }

  function failed(elt, why) {
    elt.setAttribute("data-unsaved", "");
    elt.classList.add("has-error");
    const text = gettext("Not saved (%(why)s): your input is kept and sent again in a few seconds.");
    state(elt, interpolate(text, { why: why }, true), "save-error");
    refreshBanner();
    retryLater(elt);
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-autosave]")) return;
    elt.setAttribute("data-unsaved", "");
    elt.classList.add("saving");
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-autosave]")) return;
    const status = event.detail.xhr.status;
    if (status >= 500 || status === 0) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      failed(elt, interpolate(gettext("server error %(status)s"), { status: status }, true));
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-autosave]")) return;
    elt.classList.remove("saving");
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      elt.removeAttribute("data-unsaved");
      elt.classList.remove("has-error");
    } else if (status >= 400 && status < 500) {
      // Refused: the reason is in the status cell; the value waits for a correction.
      elt.classList.add("has-error");
    }
    refreshBanner();
  });

  for (const name of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(name, (event) => {
      const elt = event.detail.elt;
      if (elt.matches && elt.matches("[data-autosave]")) failed(elt, gettext("no connection"));
    });
  }

  window.addEventListener("beforeunload", (event) => {
    if (document.querySelector("[data-autosave][data-unsaved], [data-autosave].has-error")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A row shows the number inputs its format takes.
  function showFormat(select) {
    const row = select.closest("tr");
    const option = select.selectedOptions[0];
    const wanted = new Set((option ? option.dataset.inputs : "").split(" ").filter(Boolean));
    for (const cell of row.querySelectorAll("[data-input]")) {
      cell.hidden = !wanted.has(cell.dataset.input);
    }
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("select.format")) showFormat(event.target);
  });

  // Enter: the first number of the next row (Shift+Enter: of the row before).
  function rows() {
    return Array.from(document.querySelectorAll("tr.entry-row"));
  }
  function firstNumber(row) {
    return Array.from(row.querySelectorAll("label.num input"))
      .find((input) => !input.closest("[hidden]") && !input.disabled);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.altKey) return;
    const input = event.target;
    if (!input.matches || !input.matches("tr.entry-row input")) return;
    event.preventDefault();
    const all = rows();
    const here = all.indexOf(input.closest("tr.entry-row"));
    const next = all[here + (event.shiftKey ? -1 : 1)];
    // Moving the focus fires the input's change, which saves it.
    if (next) {
      const target = firstNumber(next);
      if (target) {
        target.focus();
        target.select();
      }
    }
  });
})();
