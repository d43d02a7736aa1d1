{% load static %}/* Приёмная: shows Web Push notifications and tells the open pages to refresh the bell. */
"use strict";

var FEED = "{% url 'web:notifications' %}";
var UNREAD = "{% url 'web:notifications_unread' %}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function unreadCount(given) {
  if (typeof given === "number") { return Promise.resolve(given); }
  return fetch(UNREAD, { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (body) { return body.unread; })
    .catch(function () { return undefined; });
}

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (e) { data = { body: event.data.text() }; }
  }
  var url = data.url || (data.data && data.data.url) || FEED;
  var shown = self.registration.showNotification(data.title || "Приёмная", {
    body: data.body || "",
    tag: data.tag || undefined,
    lang: "ru",
    icon: "{% static 'web/favicon.svg' %}",
    data: { url: url }
  }).catch(function () {});
  var told = unreadCount(data.unread).then(function (unread) {
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      list.forEach(function (client) {
        client.postMessage({ type: "notification", unread: unread, url: url, title: data.title || "" });
      });
    });
  });
  event.waitUntil(Promise.all([shown, told]));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || FEED, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i += 1) {
        if (list[i].url === url && "focus" in list[i]) { return list[i].focus(); }
      }
      return self.clients.openWindow ? self.clients.openWindow(url) : undefined;
    })
  );
});
