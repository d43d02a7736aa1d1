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

  // The intake form's due-date line follows kind and theme at once; «Рассчитать срок» stays the
  // way without JavaScript, and any failure here just leaves the line as the server drew it.
  var preview = document.querySelector("[data-due-preview]");
  var kind = document.getElementById("id_kind");
  if (preview && kind && theme && window.fetch) {
    var refresh = function () {
      if (!kind.value || !theme.value) { return; }
      var url = preview.dataset.duePreview + "?kind=" + encodeURIComponent(kind.value) +
        "&theme=" + encodeURIComponent(theme.value) + "&registered=" + preview.dataset.today;
      fetch(url, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (body) {
        if (!body || !body.due_date) { return; }
        var d = body.due_date.split("-");
        preview.textContent = "Срок ответа: до " + d[2] + "." + d[1] + "." + d[0] +
          (body.policy_name ? " (политика «" + body.policy_name + "»)" : "") + ".";
        preview.hidden = false;
      }).catch(function () {});
    };
    kind.addEventListener("change", refresh);
    theme.addEventListener("change", refresh);
  }
  // The bell: its count follows a push the service worker received (it posts a message to open
  // pages) and, as a fallback, a light poll while the page is visible.
  var bell = document.querySelector("[data-bell]");
  if (bell) {
    var count = bell.querySelector("[data-bell-count]");
    var live = document.querySelector("[data-bell-live]");
    var shown = parseInt(count.textContent, 10) || 0;
    var label = function (n) {
      if (!n) { return "Уведомления, нет непрочитанных"; }
      var one = n % 10 === 1 && n % 100 !== 11;
      return "Уведомления, " + n + (one ? " непрочитанное" : " непрочитанных");
    };
    var show = function (n) {
      if (typeof n !== "number" || n < 0 || n === shown) { return; }
      if (n > shown && live) { live.textContent = "Новое уведомление. " + label(n) + "."; }
      shown = n;
      count.textContent = n > 99 ? "99+" : String(n);
      count.hidden = n === 0;
      bell.setAttribute("aria-label", label(n));
      bell.setAttribute("title", label(n));
    };
    var poll = function () {
      if (document.hidden || !window.fetch) { return; }
      fetch(bell.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body) { show(body.unread); } })
        .catch(function () {});
    };
    window.PriemnayaBell = { show: show, refresh: poll };
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        var data = event.data || {};
        if (data.type !== "notification") { return; }
        if (typeof data.unread === "number") { show(data.unread); } else { poll(); }
      });
      if (navigator.serviceWorker.startMessages) { navigator.serviceWorker.startMessages(); }
    }
    setInterval(poll, 30000);
    document.addEventListener("visibilitychange", poll);
  }
})();
