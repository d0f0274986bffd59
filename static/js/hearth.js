// Progressive enhancement only: a live Markdown preview rendered by the server's own renderer.
(function () {
  "use strict";
  function debounce(fn, ms) {
    let timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  document.querySelectorAll(".editor").forEach(function (editor) {
    const textarea = editor.querySelector("textarea");
    const section = editor.querySelector(".preview");
    const body = editor.querySelector(".preview-body");
    const form = editor.closest("form");
    const token = form && form.querySelector("input[name=csrf_token]");
    if (!textarea || !section || !body || !token || !window.fetch) return;
    const update = debounce(function () {
      if (!textarea.value.trim()) { section.hidden = true; return; }
      const data = new FormData();
      data.append("csrf_token", token.value);
      data.append("body", textarea.value);
      fetch(editor.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          if (json.html !== undefined) {
            body.innerHTML = json.html;  // sanitised server-side by the same code that stores posts
            section.hidden = false;
          }
        })
        .catch(function () { /* the Preview button still works */ });
    }, 400);
    textarea.addEventListener("input", update);
  });
})();
