// Message templates: as the manager types, the server renders the sample and counts the SMS segments.
(function () {
  "use strict";
  function start() {
    const box = document.querySelector("[data-ecar-template-preview]");
    const text = document.querySelector("[data-ecar-template-text]");
    if (!box || !text) return;
    const form = text.form;
    const shown = box.querySelector(".ecar-preview-text");
    const cost = box.querySelector(".ecar-preview-cost");
    let timer = null;
    function refresh() {
      const body = new FormData();
      body.append("event", form.elements.event ? form.elements.event.value : "");
      body.append("language", form.elements.language ? form.elements.language.value : "fr");
      body.append("text", text.value);
      fetch(box.dataset.ecarTemplatePreview, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
        credentials: "same-origin",
      })
        .then((answer) => answer.json())
        .then((result) => {
          shown.textContent = result.text || "";
          cost.textContent = result.summary || result.error || "";
        })
        .catch(() => {});
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }
    text.addEventListener("input", later);
    for (const name of ["event", "language"]) {
      if (form.elements[name]) form.elements[name].addEventListener("change", later);
    }
    refresh();
  }
  document.addEventListener("DOMContentLoaded", start);
})();
