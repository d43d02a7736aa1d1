// Live chat (docs/chat.md): the citizen's page and the operator's console over one WebSocket.
// Progressive: every form works without this file (a POST and a reload); with it the same
// forms go over the socket, files through fetch and then announced on the socket.
(function () {
  "use strict";
  var citizen = document.querySelector('[data-chat][data-side="citizen"]');
  var console_ = document.querySelector("[data-console]");
  if (!citizen && !console_) { return; }
  var side = citizen ? "citizen" : "operator";
  var connText = document.querySelector("[data-conn]");
  var socket = null;
  var retry = 1000;
  var pending = {};
  var seq = 0;

  function wsBase() {
    var base = document.body.dataset.wsUrl || "/ws/";
    if (base.charAt(0) === "/") {
      base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base;
    }
    return base.replace(/\/?$/, "/");
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function panel(chatId) {
    if (citizen) { return citizen; }
    return document.querySelector('[data-panels] [data-chat="' + chatId + '"]');
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function links(items, label, cls) {
    var list = el("ul", cls);
    list.setAttribute("aria-label", label);
    items.forEach(function (item) {
      var li = el("li");
      var a = el("a", "", item.title || item.name);
      a.href = item.url;
      li.appendChild(a);
      list.appendChild(li);
    });
    return list;
  }

  function render(m) {
    var li = el("li", "chat-msg chat-msg--" + m.side);
    li.dataset.id = m.id;
    li.dataset.side = m.side;
    var meta = el("p", "chat-msg__meta");
    meta.appendChild(el("span", "chat-msg__who", m.author));
    meta.appendChild(document.createTextNode(" "));
    var time = el("time", "", (m.created_at || "").slice(11, 16));
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(time);
    if (m.side === side) {
      var read = el("span", "chat-msg__read", " · прочитано");
      read.dataset.read = "";
      read.hidden = !m.read;
      meta.appendChild(read);
    }
    li.appendChild(meta);
    var text = el("p", "chat-msg__text");
    (m.shown || m.text || "").split("\n").forEach(function (line, i) {
      if (i) { text.appendChild(el("br")); }
      text.appendChild(document.createTextNode(line));
    });
    li.appendChild(text);
    if (m.articles && m.articles.length) {
      li.appendChild(links(m.articles, "Статьи базы знаний", "chat-msg__articles"));
    }
    if (m.files && m.files.length) { li.appendChild(links(m.files, "Файлы", "chat-msg__files")); }
    return li;
  }

  function lastId(box) {
    var items = box.querySelectorAll("[data-log] > li[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  }

  function add(m) {
    var box = panel(m.chat);
    if (!box) { return; }
    var log = box.querySelector("[data-log]");
    if (log.querySelector('li[data-id="' + m.id + '"]')) { return; }
    log.appendChild(render(m));
    log.lastElementChild.scrollIntoView({ block: "nearest" });
    if (m.side !== side && m.side !== "system" && !document.hidden) {
      send({ type: "read", chat: m.chat, up_to: m.id });
    }
  }

  function showError(chatId, text) {
    var box = panel(chatId) || citizen || console_;
    var area = box && box.querySelector("[data-error]");
    if (area) { area.textContent = text || ""; }
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function onState(chat) {
    var box = panel(chat.id);
    if (!box) { return; }
    if (box.dataset.state && box.dataset.state !== chat.state) {
      // The actions and the rating form depend on the state: the page draws them.
      location.reload();
      return;
    }
    box.dataset.state = chat.state;
  }

  function onQueue(chats) {
    var list = document.querySelector("[data-queue]");
    if (!list) { return; }
    list.textContent = "";
    var count = document.querySelector("[data-queue-count]");
    if (count) { count.textContent = chats.length; }
    if (!chats.length) { list.appendChild(el("li", "muted", "Никто не ждёт.")); }
    chats.forEach(function (c) {
      var li = el("li", "", "Чат №" + c.id + " — " + c.who + ", ждёт с " + c.since.slice(11, 16) + " ");
      li.dataset.chat = c.id;
      var form = el("form", "inline");
      form.method = "post";
      form.action = "/console/chat/" + c.id + "/take/";
      var token = el("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = csrf();
      var button = el("button", "btn", "Взять");
      button.type = "submit";
      button.setAttribute("data-testid", "chat-take");
      form.appendChild(token);
      form.appendChild(button);
      li.appendChild(form);
      list.appendChild(li);
    });
  }

  var typingTimers = {};
  function onTyping(frame) {
    var box = panel(frame.chat);
    var mark = box && box.querySelector("[data-typing]");
    if (!mark) { return; }
    mark.hidden = !frame.typing;
    clearTimeout(typingTimers[frame.chat]);
    if (frame.typing) {
      typingTimers[frame.chat] = setTimeout(function () { mark.hidden = true; }, 6000);
    }
  }

  function onRead(frame) {
    var box = panel(frame.chat);
    if (!box) { return; }
    box.querySelectorAll('[data-log] > li[data-side="' + side + '"]').forEach(function (li) {
      if (Number(li.dataset.id) <= frame.up_to) {
        var mark = li.querySelector("[data-read]");
        if (mark) { mark.hidden = false; }
      }
    });
  }

  function receive(event) {
    var frame;
    try { frame = JSON.parse(event.data); } catch (e) { return; }
    if (frame.type === "hello" || frame.type === "chat") {
      if (frame.type === "chat" && !panel(frame.chat.id)) { location.reload(); return; }
      if (frame.chat) { onState(frame.chat); }
      (frame.messages || []).forEach(function (f) { add(f.message); });
      if (frame.queue) { onQueue(frame.queue); }
    } else if (frame.type === "message") {
      add(frame.message);
      if (frame.client_id && pending[frame.client_id]) {
        pending[frame.client_id].value = "";
        delete pending[frame.client_id];
        showError(frame.message.chat, "");
      }
    } else if (frame.type === "state") {
      onState(frame.chat);
    } else if (frame.type === "queue") {
      onQueue(frame.chats);
    } else if (frame.type === "typing") {
      onTyping(frame);
    } else if (frame.type === "read") {
      onRead(frame);
    } else if (frame.type === "error") {
      // The text stays in the field: a refused message was not sent and can be sent again.
      if (frame.client_id) { delete pending[frame.client_id]; }
      showError(frame.chat, frame.reason);
    }
  }

  function connect() {
    var path = citizen ? "chat/" + citizen.dataset.chat + "/" : "chat/operator/";
    socket = new WebSocket(wsBase() + path);
    socket.addEventListener("open", function () {
      retry = 1000;
      if (connText) { connText.textContent = "На связи: сообщения приходят сразу."; }
    });
    socket.addEventListener("message", receive);
    socket.addEventListener("close", function (event) {
      if (connText) { connText.textContent = "Нет связи — переподключаемся… Можно отправлять: страница обновится."; }
      if (event.code === 4404 || event.code === 4403) { return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  function chatOf(form) {
    var box = form.closest("[data-chat]");
    return box ? Number(box.dataset.chat) : 0;
  }

  function sendForm(form, event) {
    var chatId = chatOf(form);
    var text = form.querySelector("[data-text]");
    var files = form.querySelector("[data-files]");
    if (files && files.files.length) {
      event.preventDefault();
      event.stopPropagation();
      var data = new FormData(form);
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
      }).then(function (response) {
        return response.json().then(function (body) { return [response.ok, body]; });
      }).then(function (result) {
        if (!result[0]) { showError(chatId, (result[1].errors || []).join(" ")); return; }
        form.reset();
        showError(chatId, "");
        result[1].ids.forEach(function (id) { send({ type: "announce", chat: chatId, id: id }); });
      }).catch(function () { showError(chatId, "Не удалось отправить — проверьте связь."); });
      return;
    }
    if (!text.value.trim()) { return; }
    var clientId = "c" + (++seq) + "-" + Date.now();
    if (send({ type: "message", chat: chatId, text: text.value, client_id: clientId })) {
      event.preventDefault();
      event.stopPropagation();
      pending[clientId] = text;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-send]")) { sendForm(form, event); return; }
    var action = form.dataset.action;
    if (action && send({ type: action, chat: chatOf(form) })) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  var lastTyping = 0;
  var idle = null;
  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-text]")) { return; }
    var chatId = chatOf(event.target);
    var now = Date.now();
    if (now - lastTyping > 3000) {
      lastTyping = now;
      send({ type: "typing", chat: chatId, typing: true });
    }
    clearTimeout(idle);
    idle = setTimeout(function () {
      lastTyping = 0;
      send({ type: "typing", chat: chatId, typing: false });
    }, 4000);
  });

  document.addEventListener("click", function (event) {
    var phrase = event.target.closest("[data-phrase]");
    if (!phrase) { return; }
    var box = phrase.closest("[data-chat]");
    var text = box && box.querySelector("[data-text]");
    if (text) { text.value = phrase.textContent; text.focus(); }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { return; }
    document.querySelectorAll("[data-chat]").forEach(function (box) {
      var id = lastId(box);
      if (id) { send({ type: "read", chat: Number(box.dataset.chat), up_to: id }); }
    });
  });

  // The console's heartbeat: an operator counts as free only while it beats (docs/chat.md).
  if (console_) { setInterval(function () { send({ type: "ping" }); }, 60000); }

  connect();
})();
