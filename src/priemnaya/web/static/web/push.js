// Web Push in the cabinet: «Включить уведомления в браузере» / «Выключить». Progressive: the
// section stays hidden where the browser cannot push (or without JavaScript).
(function () {
  "use strict";
  var root = document.querySelector("[data-push]");
  var supported = "serviceWorker" in navigator && "PushManager" in window &&
    "Notification" in window && !!window.fetch;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function urls() {
    var d = root ? root.dataset : {};
    return {
      key: d.keyUrl || "/cabinet/push/key",
      subscribe: d.subscribeUrl || "/cabinet/push/subscribe",
      unsubscribe: d.unsubscribeUrl || "/cabinet/push/unsubscribe",
      worker: d.workerUrl || "/push-sw.js"
    };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error("server " + r.status); }
      return r.json();
    });
  }

  function registration() {
    return navigator.serviceWorker.register(urls().worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  // Looking does not install the worker: only «Включить» does.
  function current() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    });
  }

  function enable() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("permission"); }
      return fetch(urls().key, { credentials: "same-origin" });
    }).then(function (r) {
      if (!r.ok) { throw new Error("key " + r.status); }
      return r.json();
    }).then(function (body) {
      return registration().then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(body.key)
        });
      });
    }).then(function (subscription) {
      var data = subscription.toJSON ? subscription.toJSON() : subscription;
      return post(urls().subscribe, data).then(function () { return subscription; });
    });
  }

  function disable() {
    return current().then(function (subscription) {
      if (!subscription) { return false; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(urls().unsubscribe, { endpoint: endpoint });
      }).then(function () { return true; });
    });
  }

  window.PriemnayaPush = { supported: supported, enable: enable, disable: disable, subscription: current };

  if (!root || !supported) { return; }
  var status = root.querySelector("[data-push-status]");
  var on = root.querySelector("[data-push-enable]");
  var off = root.querySelector("[data-push-disable]");

  function render(subscribed, message) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    status.textContent = message || (subscribed
      ? "Уведомления в этом браузере включены."
      : "Уведомления в этом браузере выключены.");
  }

  function fail(error) {
    var text = error && error.message === "permission"
      ? "Браузер не разрешил уведомления. Разрешите их в настройках сайта и попробуйте ещё раз."
      : "Не удалось изменить настройку. Попробуйте ещё раз позже.";
    status.textContent = text;
    on.disabled = false;
    off.disabled = false;
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    enable().then(function () {
      on.disabled = false;
      render(true, "Готово: уведомления в этом браузере включены.");
      off.focus();
    }, fail);
  });
  off.addEventListener("click", function () {
    off.disabled = true;
    disable().then(function () {
      off.disabled = false;
      render(false, "Уведомления в этом браузере выключены.");
      on.focus();
    }, fail);
  });

  root.hidden = false;
  if (Notification.permission === "denied") {
    render(false, "Уведомления для этого сайта запрещены в настройках браузера.");
    return;
  }
  current().then(function (subscription) { render(!!subscription); }, function () { render(false); });
})();
