// Single-key shortcuts: a key presses the visible element with the matching data-key,
// unless the user is typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const element = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (element) { event.preventDefault(); element.click(); }
  });
})();
