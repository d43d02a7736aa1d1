// Progressive enhancements only: every form works without this file.
(function () {
  "use strict";
  // A refused form opens on its error summary, so keyboard and screen-reader users hear it first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // A second click on a submit button does not send the form again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var buttons = form.querySelectorAll("[data-once]");
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
  });

  // Picking a theme fills the description with its template unless the person already wrote text.
  var data = document.getElementById("theme-templates");
  var theme = document.getElementById("id_theme");
  var text = document.getElementById("id_text");
  if (data && theme && text) {
    var templates = JSON.parse(data.textContent);
    var last = templates[theme.value] || "";
    theme.addEventListener("change", function () {
      var current = text.value.trim();
      if (!current || current === last.trim()) {
        text.value = templates[theme.value] || "";
      }
      last = templates[theme.value] || "";
    });
  }

  // Live character counter for the description.
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.dataset.counterFor);
    var limit = parseInt(counter.dataset.limit, 10);
    if (!field || !limit) { return; }
    var update = function () {
      var left = limit - field.value.trim().length;
      counter.textContent = left >= 0 ? "Осталось символов: " + left : "Превышено на " + (-left) + " симв.";
    };
    field.addEventListener("input", update);
    update();
  });
})();
