// Help before filing (issue 12 item 5): while the citizen types, ask the server for the offers
// (help articles, their own similar open appeals, splitting a text of several questions) and show
// them under the text. Without this script the same offers come as a step before submit.
(function () {
  "use strict";
  var box = document.getElementById("before-filing");
  var form = box && box.closest("form");
  var text = document.getElementById("id_text");
  var subject = document.getElementById("id_subject");
  var theme = document.getElementById("id_theme");
  if (!box || !form || !text || !window.fetch || !window.FormData) { return; }
  var offers = box.querySelector("[data-role=offers]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  var asked = "";
  // Live offers replace the server round trip («.btn» sets display, so not `hidden`).
  box.querySelector("[data-role=check]").style.display = "none";
  box.querySelector("[data-role=check-help]").style.display = "none";

  function ask() {
    var key = [subject ? subject.value : "", text.value, theme ? theme.value : ""].join("\u0000");
    if (key === asked) { return; }
    asked = key;
    var data = new FormData();
    data.append("subject", subject ? subject.value : "");
    data.append("text", text.value);
    data.append("theme", theme ? theme.value : "");
    fetch(box.dataset.offersUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" }
    }).then(function (r) { return r.ok && !r.redirected ? r.text() : null; }).then(function (html) {
      // The server's own template, escaped there: the same markup the step before submit shows.
      if (html !== null && key === asked) { offers.innerHTML = html; }
    }).catch(function () { /* no offers: the form works as it is */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(ask, 800); }
  text.addEventListener("input", later);
  if (subject) { subject.addEventListener("input", later); }
  if (theme) { theme.addEventListener("change", later); }
  // The offers were there to see while typing: sending does not stop for them again.
  form.addEventListener("submit", function () {
    if (form.querySelector("input[name=help_seen]")) { return; }
    var seen = document.createElement("input");
    seen.type = "hidden";
    seen.name = "help_seen";
    seen.value = "1";
    form.appendChild(seen);
  });
})();
