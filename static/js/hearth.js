// Progressive enhancement only. A `[data-live-url]` block re-renders its `.live-output` while the
// person types in its textarea, by POSTing the text to the server (the same code that renders it
// on submit), so what is shown is what will be stored or decided. Without JS, the form's own
// Preview/Test button does the same.
(function () {
  "use strict";
  function debounce(fn, ms) {
    let timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  document.querySelectorAll("[data-live-url]").forEach(function (block) {
    const textarea = block.querySelector("textarea");
    const section = block.querySelector(".live-section");
    const output = block.querySelector(".live-output");
    const form = block.closest("form");
    const token = form && form.querySelector("input[name=csrf_token]");
    if (!textarea || !section || !output || !token || !window.fetch) return;
    const field = block.dataset.liveField || "body";
    const update = debounce(function () {
      if (!textarea.value.trim()) { section.hidden = true; return; }
      const data = new FormData();
      data.append("csrf_token", token.value);
      data.append(field, textarea.value);
      fetch(block.dataset.liveUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          if (json.html !== undefined) {
            output.innerHTML = json.html;  // sanitised or escaped server-side
            section.hidden = false;
          }
        })
        .catch(function () { /* the form's own button still works */ });
    }, 400);
    textarea.addEventListener("input", update);
  });
})();
