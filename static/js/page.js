// Small behaviours any page may use, declared in the markup rather than with inline handlers
// (the Content-Security-Policy refuses onclick= and the like):
//   <button data-toggles="ID">  shows or hides the element with that id;
//   <input data-autosubmit>     submits its form when its value changes.
// Delegated from the document, so content htmx swaps in later works too.
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
})();
