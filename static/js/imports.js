// Import page: turn each dropped or chosen file into its own upload form (from the
// <template>), so every file gets its own database, search date and search string.
(function () {
  "use strict";
  const zone = document.getElementById("dropzone");
  const picker = document.getElementById("file-picker");
  const uploads = document.getElementById("uploads");
  const template = document.getElementById("upload-template");
  if (!zone || !template) return;

  // A first guess at the database from the file name; the user checks it before uploading.
  const HINTS = [
    [/pubmed|medline|\.nbib$/i, "pubmed"], [/embase/i, "embase"], [/cochrane|central/i, "central"],
    [/cnki|知网/i, "cnki"], [/wanfang|万方/i, "wanfang"], [/vip|维普/i, "vip"],
    [/sinomed|cbm/i, "cbm"], [/wos|web.?of.?science|savedrecs/i, "wos"], [/scopus/i, "scopus"],
    [/cinahl/i, "cinahl"], [/psycinfo/i, "psycinfo"], [/proquest/i, "proquest"],
    [/ebsco/i, "ebscohost"], [/clinicaltrials|ctgov|nct/i, "clinicaltrials"], [/ictrp/i, "ictrp"],
    [/scholar/i, "googlescholar"],
  ];
  const uploadAllBar = document.getElementById("upload-all-bar");

  // Several files in one go: "Upload and preview all" sends every row not sent yet.
  function refreshUploadAll() {
    const waiting = uploads.querySelectorAll(".upload-row:not(.sent)").length;
    uploadAllBar.hidden = waiting < 2;
  }
  document.getElementById("upload-all").addEventListener("click", () => {
    uploads.querySelectorAll(".upload-row:not(.sent)").forEach((form) => form.requestSubmit());
  });
  uploads.addEventListener("submit", (event) => {
    event.target.classList.add("sent");
    refreshUploadAll();
  });

  function sizeText(bytes) {
    // Units through the catalogue (Django's JavaScriptCatalog, loaded by base.html).
    if (bytes < 1024) return interpolate(gettext("%s B"), [bytes]);
    if (bytes < 1048576) return interpolate(gettext("%s KB"), [(bytes / 1024).toFixed(1)]);
    return interpolate(gettext("%s MB"), [(bytes / 1048576).toFixed(1)]);
  }

  function addFile(file, index) {
    const form = template.content.firstElementChild.cloneNode(true);
    const input = form.querySelector('input[type="file"]');
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    form.querySelector(".file-name").textContent = file.name;
    form.querySelector(".file-size").textContent = sizeText(file.size);
    // Each copy of the template needs its own ids for its labels.
    form.querySelectorAll("[id]").forEach((el) => { el.id = el.id + "-" + index; });
    form.querySelectorAll("label[for]").forEach((el) => { el.htmlFor = el.htmlFor + "-" + index; });
    const database = form.querySelector('select[name="database"]');
    for (const [pattern, value] of HINTS) {
      if (pattern.test(file.name)) { database.value = value; break; }
    }
    form.querySelector(".remove-upload").addEventListener("click", () => {
      form.remove();
      refreshUploadAll();
    });
    uploads.appendChild(form);
    window.htmx.process(form);
  }

  let counter = 0;
  function addFiles(files) {
    for (const file of files) addFile(file, ++counter);
    refreshUploadAll();
    const first = uploads.querySelector(".upload-row:last-child select");
    if (first) first.focus();
  }

  zone.addEventListener("click", () => picker.click());
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); picker.click(); }
  });
  picker.addEventListener("change", () => { addFiles(picker.files); picker.value = ""; });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    addFiles(event.dataTransfer.files);
  });
})();
