// Files on the forms (issue 10), a progressive enhancement: without this script the files go with
// the form. With it, each chosen file is uploaded at once (progress bar), listed with «Удалить»,
// and the form carries only the ids of the uploaded files.
(function () {
  "use strict";
  if (window.priemnayaFiles) { return; }  // The include may appear in several forms of a page.
  window.priemnayaFiles = true;
  if (!window.XMLHttpRequest || !window.FormData) { return; }

  // As the server says sizes (attachments.services.size_text): «300 Б», «12 КБ», «1,5 МБ».
  function sizeLabel(bytes) {
    if (bytes < 1024) { return bytes + " Б"; }
    if (bytes < 1024 * 1024) { return Math.floor(bytes / 1024) + " КБ"; }
    return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "").replace(".", ",") + " МБ";
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function enhance(box) {
    var form = box.closest("form");
    var input = box.querySelector("input[type=file]");
    var list = box.querySelector("[data-files-list]");
    var errors = box.querySelector("[data-files-errors]");
    var status = box.querySelector("[data-files-status]");
    var csrf = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!form || !input || !list || !errors || !status || !csrf) { return; }
    var pending = 0;

    function say(text) {
      // Cleared first, so that the same words twice are announced twice.
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 50);
    }

    function describe(on) {
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      var mine = errors.id;
      ids = ids.filter(function (id) { return id !== mine; });
      if (on) { ids.push(mine); }
      input.setAttribute("aria-describedby", ids.join(" "));
      if (on) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      box.classList.toggle("field--error", on);
    }

    function showErrors(messages) {
      messages.forEach(function (message) { errors.appendChild(make("p", "", message)); });
      errors.hidden = false;
      errors.setAttribute("role", "alert");
      describe(true);
    }

    function clearErrors() {
      errors.textContent = "";
      errors.hidden = true;
      describe(false);
    }

    function syncList() {
      list.hidden = !list.querySelector("li");
    }

    function removeButton(item, id, name) {
      var button = make("button", "btn btn--small files__remove", "Удалить");
      button.type = "button";
      button.setAttribute("aria-label", "Удалить файл «" + name + "»");
      button.addEventListener("click", function () {
        button.disabled = true;
        var xhr = new XMLHttpRequest();
        xhr.open("POST", box.dataset.discardUrl.replace("/0/", "/" + id + "/"));
        xhr.setRequestHeader("X-CSRFToken", csrf.value);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.onload = function () {
          if (xhr.status === 200 || xhr.status === 404) {
            var next = item.nextElementSibling && item.nextElementSibling.querySelector("button");
            item.remove();
            syncList();
            say("Файл «" + name + "» удалён.");
            (next || input).focus();
          } else {
            button.disabled = false;
            say("Не удалось удалить файл «" + name + "». Попробуйте ещё раз.");
          }
        };
        xhr.onerror = function () {
          button.disabled = false;
          say("Не удалось удалить файл «" + name + "»: нет связи с сервером.");
        };
        xhr.send();
      });
      return button;
    }

    // Files listed by the server after a refused round: the checkbox becomes a button.
    list.querySelectorAll("li[data-file-id]").forEach(function (item) {
      var label = item.querySelector(".files__remove");
      var name = item.querySelector(".files__name").textContent;
      if (label) { label.replaceWith(removeButton(item, item.dataset.fileId, name)); }
    });

    function upload(file) {
      var item = make("li", "files__item files__item--loading");
      item.appendChild(make("span", "files__name", file.name));
      var bar = make("progress", "files__progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Загрузка файла «" + file.name + "»");
      item.appendChild(bar);
      var percent = make("span", "files__size", "0 %");
      percent.setAttribute("aria-hidden", "true");
      item.appendChild(percent);
      list.appendChild(item);
      syncList();
      pending += 1;

      var data = new FormData();
      data.append("file", file, file.name);
      data.append("purpose", box.dataset.purpose || "appeal");
      if (box.dataset.appeal) { data.append("appeal", box.dataset.appeal); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf.value);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) { return; }
        var value = Math.round(event.loaded * 100 / event.total);
        bar.value = value;
        percent.textContent = value + " %";
      };
      function done() {
        pending -= 1;
      }
      function refused(messages) {
        item.remove();
        syncList();
        showErrors(messages);
        say(messages.join(" "));
      }
      xhr.onload = function () {
        done();
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body && body.id) {
          bar.value = 100;
          item.classList.remove("files__item--loading");
          item.dataset.fileId = body.id;
          bar.remove();
          percent.textContent = sizeLabel(body.size);
          percent.removeAttribute("aria-hidden");
          item.querySelector(".files__name").textContent = body.name;
          var hidden = make("input");
          hidden.type = "hidden";
          hidden.name = box.dataset.idsName;
          hidden.value = body.id;
          item.appendChild(hidden);
          item.appendChild(removeButton(item, body.id, body.name));
          say("Файл «" + body.name + "» загружен.");
        } else {
          var messages = (body && body.errors && body.errors.files) ||
            [(body && body.detail) || ("«" + file.name + "»: не удалось загрузить файл.")];
          refused(messages);
        }
      };
      xhr.onerror = function () {
        done();
        refused(["«" + file.name + "»: не удалось загрузить — проверьте соединение и попробуйте ещё раз."]);
      };
      xhr.send(data);
    }

    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files || []);
      if (!chosen.length) { return; }
      clearErrors();
      say(chosen.length === 1 ? "Загружается файл." : "Загружаются файлы: " + chosen.length + ".");
      chosen.forEach(upload);
      // The files are on their way already: the form must not send them a second time.
      input.value = "";
    });

    form.addEventListener("submit", function (event) {
      if (pending > 0) {
        event.preventDefault();
        event.stopPropagation();
        say("Дождитесь окончания загрузки файлов.");
      }
    });
  }

  document.querySelectorAll("[data-files]").forEach(enhance);
})();
