// The hotline's screen pop (issue 13): a staff page polls for the call ringing at this operator's
// place and shows a link to its card. Without JavaScript the «Звонки» page shows the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-screen-pop]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-screen-pop");
  var shown = "";
  var EVERY = 3000;

  function render(call) {
    var key = call ? call.id + ":" + call.state : "";
    if (key === shown) return;
    shown = key;
    box.textContent = "";
    if (!call || window.location.pathname === call.url) {
      box.hidden = true;
      return;
    }
    var title = document.createElement("strong");
    title.textContent = call.state === "ringing" ? "Входящий звонок: " : "Идёт разговор: ";
    var who = document.createTextNode(call.caller + " · " + call.line + " ");
    var link = document.createElement("a");
    link.href = call.url;
    link.className = "btn btn--primary";
    link.textContent = "Открыть карточку звонка";
    link.setAttribute("data-testid", "screen-pop-link");
    box.appendChild(title);
    box.appendChild(who);
    box.appendChild(link);
    box.hidden = false;
  }

  // A session that ended (signed out in another tab, expired) answers 401/403: stop asking until
  // the page is loaded again instead of knocking every 3 seconds.
  var signedOut = false;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) signedOut = true;
        return r.ok ? r.json() : null;
      })
      .then(function (data) { if (data) render(data.call); })
      .catch(function () {})
      .then(function () { if (!signedOut) window.setTimeout(poll, EVERY); });
  }
  poll();
})();
