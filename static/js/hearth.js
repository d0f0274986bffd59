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

  // "Similar questions" on the ask page: a `[data-similar-url]` block holds the title field and a hidden
  // `.similar` section; while the person types a title, GET the URL with ?title= and list the questions
  // it returns (JSON: title, url, answers). Built with textContent, never innerHTML. Without JS the
  // section stays hidden and the form works as before.
  document.querySelectorAll("[data-similar-url]").forEach(function (block) {
    const input = block.querySelector("input");
    const section = block.querySelector(".similar");
    const list = section && section.querySelector("ul");
    if (!input || !list || !window.fetch) return;
    let asked = "";
    let latest = 0;
    const update = debounce(function () {
      const title = input.value.trim();
      if (title === asked) return;
      asked = title;
      if (title.length < 4) { section.hidden = true; return; }
      const call = ++latest;
      fetch(block.dataset.similarUrl + "?title=" + encodeURIComponent(title), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (json) {
          if (!json || call !== latest) return;  // a newer title is on its way
          list.textContent = "";
          json.questions.forEach(function (q) {
            const item = document.createElement("li");
            const link = document.createElement("a");
            link.href = q.url;
            link.target = "_blank";
            link.rel = "noopener";
            link.textContent = q.title;
            const meta = document.createElement("span");
            meta.className = "similar-meta";
            meta.textContent = " · " + q.answers + (q.answers === 1 ? " answer" : " answers");
            item.appendChild(link);
            item.appendChild(meta);
            list.appendChild(item);
          });
          section.hidden = json.questions.length === 0;
        })
        .catch(function () { /* nothing to suggest; asking still works */ });
    }, 350);
    input.addEventListener("input", update);
  });
})();
