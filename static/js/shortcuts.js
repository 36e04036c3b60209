// Single-key shortcuts: a key presses the visible element with the matching data-key,
// unless the user is typing in a field. A key whose button is disabled for a moment (a
// decision on its way) is announced as "evident:busy-key" for the page to apply later.
// A key held down presses once: its repeats are never meant as more presses.
(function () {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    const element = document.querySelector('[data-key="' + key + '"]');
    if (!element) return;
    event.preventDefault();
    if (event.repeat) return;
    // :disabled, not .disabled: a button is also disabled by a disabled fieldset around it.
    if (element.matches(":disabled") || element.closest('[aria-busy="true"]')) {
      document.dispatchEvent(new CustomEvent("evident:busy-key", { detail: { key } }));
      return;
    }
    element.click();
  });
})();
