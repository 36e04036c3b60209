// The one script loaded before the page is drawn (not deferred), so it is listening before
// anyone can type: it remembers the fields changed before htmx has set up the page (a slow
// link, a quick typist). Their change events had nobody to save them; page.js sends them
// once htmx is ready. Browser form restoration fires no change event, so it is not resent.
(function () {
  "use strict";
  const changed = new Set();
  const remember = (event) => changed.add(event.target);
  document.addEventListener("change", remember, true);
  window.evidentTakeEarlyChanges = () => {
    document.removeEventListener("change", remember, true);
    return Array.from(changed);
  };
})();
