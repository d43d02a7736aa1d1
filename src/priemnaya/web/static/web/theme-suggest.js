// Issue 12 item 7: suggest the theme while the citizen types (the form works without this:
// «Проверить» asks the server). The citizen's choice changes only when they click «Выбрать».
(function () {
  "use strict";
  var box = document.getElementById("theme-suggest");
  var text = document.getElementById("id_text");
  var subject = document.getElementById("id_subject");
  var theme = document.getElementById("id_theme");
  if (!box || !text || !theme || !window.fetch) { return; }
  var note = box.querySelector(".theme-suggest__note");
  var choose = box.querySelector("[data-role=choose]");
  var timer = null;
  var shown = null;

  function show(s) {
    shown = s;
    if (!s || s.theme === theme.value) { note.hidden = true; return; }
    note.querySelector("[data-role=name]").textContent = s.theme_name;
    note.querySelector("[data-role=percent]").textContent = Math.round(s.confidence * 100);
    var words = note.querySelector("[data-role=words]");
    if (words) { words.textContent = s.words.join(", "); }
    choose.value = s.theme;
    choose.textContent = "Выбрать «" + s.theme_name + "»";
    note.hidden = false;
  }

  function ask() {
    var body = JSON.stringify({ text: text.value, subject: subject ? subject.value : "" });
    if (text.value.trim().length < 15) { show(null); return; }
    fetch(box.dataset.suggestUrl, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: body,
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      var first = data && data.suggestions && data.suggestions[0];
      show(first && first.confidence >= 0.4 ? first : null);
    }).catch(function () { /* no suggestion: the form works as it is */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(ask, 600); }
  text.addEventListener("input", later);
  if (subject) { subject.addEventListener("input", later); }
  theme.addEventListener("change", function () { show(shown); });
  choose.addEventListener("click", function (event) {
    if (!choose.value) { return; }
    event.preventDefault();
    theme.value = choose.value;
    theme.dispatchEvent(new Event("change", { bubbles: true }));
    note.hidden = true;
    theme.focus();
  });
})();
