// Small behaviours any page may use, declared in the markup rather than with inline handlers
// (the Content-Security-Policy refuses onclick= and the like):
//   <button data-toggles="ID">  shows or hides the element with that id;
//   <input data-autosubmit>     submits its form when its value changes.
// Delegated from the document, so content htmx swaps in later works too.
//
// An element that saves itself on change (hx-trigger="change") and was changed before htmx
// had set up the page fired its change with nobody listening: early.js remembered it, and it
// is sent once htmx is ready, so what the page shows is what is saved.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-toggles]");
    if (!button) return;
    const target = document.getElementById(button.dataset.toggles);
    if (!target) return;
    target.toggleAttribute("hidden");
    button.setAttribute("aria-expanded", String(!target.hidden));
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-autosubmit]") && event.target.form) {
      event.target.form.requestSubmit();
    }
  });
  document.addEventListener("htmx:load", (event) => {
    // htmx's first pass over the page; later loads are content it swapped in.
    if (event.detail.elt !== document.body || !window.evidentTakeEarlyChanges) return;
    const unsent = new Set();
    for (const control of window.evidentTakeEarlyChanges()) {
      const elt = control.closest && control.closest('[hx-trigger="change"]');
      if (elt) unsent.add(elt);
    }
    unsent.forEach((elt) => htmx.trigger(elt, "change"));
  });
})();
