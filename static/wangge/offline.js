/* The worker's pages without signal (离线记录): docs/fieldwork.md, "Offline on the phone".

   * A form marked data-offline (check-in, visit, diary entry) submitted while the phone is
     offline is not sent: its fields and photos are kept in IndexedDB as one record with a
     random idempotency key, and the page says so. Nothing else changes while online.
   * The queue is sent to the sync endpoint when the page loads, when the connection returns
     (the online event) and when the service worker's Background Sync asks; the server saves
     each key once. Sent records leave the queue; a refused one stays, with the server's reason,
     until the worker edits it (the form is filled again) or discards it.
   * The service worker (sw.js) is registered here; this script also puts the pages marked
     data-offline-cache (the patrol in progress, its check-in forms, the visit forms of the
     people due) and the page's own styles and scripts into the cache the service worker reads.
   The queue works from this script alone: without a service worker, records made on an open
   page are still kept and sent. Server text reaches the page as text nodes only. */
(function () {
  "use strict";
  var DB_NAME = "wangge-offline";
  var STORE = "records";
  var PAGES = "wangge-pages-v1";
  var STATIC = "wangge-static-v1";
  var BATCH_RECORDS = 10;
  var BATCH_FILES = 20;
  var panel = document.getElementById("offline-queue");
  if (!panel || !window.indexedDB) { return; }
  var user = panel.getAttribute("data-user");
  var list = document.getElementById("offline-list");
  var count = document.getElementById("offline-count");
  var status = document.getElementById("offline-status");
  var sendButton = document.getElementById("offline-send");
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  var note = "";
  var flushing = false;

  function text(name) { return panel.getAttribute("data-text-" + name) || ""; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // --- IndexedDB: one store of records, keyed by their idempotency key

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "key"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function myRecords() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (record) { return record.user === user; })
        .sort(function (a, b) { return a.recordedAt < b.recordedAt ? -1 : 1; });
    });
  }
  function putRecord(record) { return withStore("readwrite", function (store) { return store.put(record); }); }
  function deleteRecord(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }
  function getRecord(key) { return withStore("readonly", function (store) { return store.get(key); }); }

  // --- the list on the page

  function say(message) { note = message || ""; render(); }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content) { node.textContent = content; }
    return node;
  }

  function row(record) {
    var item = element("li", "wg-offline-item");
    item.setAttribute("data-offline-record", record.key);
    item.setAttribute("data-state", record.state);
    item.appendChild(element("div", "fw-semibold", record.label));
    var when = new Date(record.recordedAt);
    item.appendChild(element("small", "text-muted", when.toLocaleString()));
    if (record.state === "refused") {
      item.appendChild(element("div", "text-danger", text("refused") + "：" + record.message));
      var edit = element("a", "btn btn-outline-primary me-2", text("edit"));
      edit.href = (record.page || record.path) + "#offline-edit=" + encodeURIComponent(record.key);
      edit.setAttribute("data-offline-edit", record.key);
      var discard = element("button", "btn btn-outline-danger", text("discard"));
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (window.confirm(text("confirm"))) { deleteRecord(record.key).then(render); }
      });
      var actions = element("div", "mt-1");
      actions.appendChild(edit);
      actions.appendChild(discard);
      item.appendChild(actions);
    } else {
      item.appendChild(element("div", "text-muted", text("waiting")));
    }
    return item;
  }

  // On the patrol page, a target with a check-in still on the phone says so (not a second check-in).
  function markStops(records) {
    document.querySelectorAll("a[data-stop]").forEach(function (link) {
      var path = new URL(link.href, location.href).pathname;
      var queued = records.some(function (record) {
        return record.kind === "checkin" && new URL(record.path, location.href).pathname === path;
      });
      var mark = link.querySelector("[data-offline-mark]");
      if (queued && !mark) {
        mark = element("span", "wg-tap-note text-warning", text("waiting"));
        mark.setAttribute("data-offline-mark", "");
        link.appendChild(mark);
      } else if (!queued && mark) {
        mark.remove();
      }
    });
  }

  function render() {
    return myRecords().then(function (records) {
      markStops(records);
      list.replaceChildren.apply(list, records.map(row));
      count.textContent = records.length ? String(records.length) : "";
      var lines = [];
      if (!navigator.onLine) { lines.push(text("offline")); }
      if (note) { lines.push(note); }
      status.textContent = lines.join(" ");
      var waiting = records.some(function (record) { return record.state === "waiting"; });
      sendButton.hidden = !(waiting && navigator.onLine);
      panel.hidden = !records.length && !lines.length;
    }).catch(function () { panel.hidden = true; });
  }

  // --- keeping a form offline

  function recordFrom(form, key) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (typeof value === "string") { fields.push([name, value]); }
      else if (value && value.size) { files.push({name: name, blob: value, filename: value.name || "photo.jpg"}); }
    });
    return {
      key: key || newKey(), user: user, kind: form.getAttribute("data-offline"),
      path: form.getAttribute("action") || (location.pathname + location.search),
      page: location.pathname + location.search,
      label: form.getAttribute("data-offline-label") || document.title,
      recordedAt: new Date().toISOString(), fields: fields, files: files, state: "waiting", message: ""
    };
  }

  function keep(form, editing) {
    var record = recordFrom(form, editing);
    var before = editing ? getRecord(editing) : Promise.resolve(null);
    return before.then(function (old) {
      if (old) {
        record.recordedAt = old.recordedAt;
        // Photos of the first try stay unless new ones were chosen for that field.
        var chosen = {};
        record.files.forEach(function (file) { chosen[file.name] = true; });
        old.files.forEach(function (file) { if (!chosen[file.name]) { record.files.push(file); } });
      }
      return putRecord(record);
    }).then(function () {
      form.removeAttribute("data-offline-editing");
      form.reset();
      say(text("saved"));
      window.scrollTo(0, 0);
      askForSync();
      if (navigator.onLine) { flush(); }
    }).catch(function () { say(text("not-saved")); });  // the form keeps what was typed
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline")) { return; }
    var editing = form.getAttribute("data-offline-editing");
    if (navigator.onLine && !editing) { return; }  // online: the page's own submit, as always
    event.preventDefault();
    keep(form, editing);
  });

  function fill(form, record) {
    var values = {};
    record.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.name === "csrfmiddlewaretoken") { return; }
      var given = values[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") { field.checked = given.indexOf(field.value) >= 0; }
      else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) { option.selected = given.indexOf(option.value) >= 0; });
      } else { field.value = given.length ? given.shift() : ""; }
    });
  }

  // A page opened from the cache carries the time it was cached: "now" fields start from the real now.
  function freshNow() {
    if (navigator.onLine) { return; }
    var now = new Date();
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString();
    document.querySelectorAll("input[data-offline-now]").forEach(function (field) {
      field.value = field.getAttribute("data-offline-now") === "day" ? local.slice(0, 10) : local.slice(0, 16);
      field.defaultValue = field.value;
    });
  }

  function startEditing() {
    var match = /#offline-edit=([0-9a-f-]+)/.exec(location.hash);
    var form = document.querySelector("form[data-offline]");
    if (!match || !form) { return; }
    getRecord(decodeURIComponent(match[1])).then(function (record) {
      if (!record || record.user !== user) { return; }
      fill(form, record);
      form.setAttribute("data-offline-editing", record.key);
      say(text("editing") + " " + record.message);
    });
  }

  // --- sending the queue

  function chunks(records) {
    var out = [];
    var current = [];
    var files = 0;
    records.forEach(function (record) {
      if (current.length && (current.length >= BATCH_RECORDS || files + record.files.length > BATCH_FILES)) {
        out.push(current);
        current = [];
        files = 0;
      }
      current.push(record);
      files += record.files.length;
    });
    if (current.length) { out.push(current); }
    return out;
  }

  function send(chunk) {
    var body = new FormData();
    var payload = chunk.map(function (record, i) {
      return {
        key: record.key, kind: record.kind, path: record.path, recorded_at: record.recordedAt, fields: record.fields,
        files: record.files.map(function (file, j) {
          var part = "photo-" + i + "-" + j;
          body.append(part, file.blob, file.filename);
          return [file.name, part];
        })
      };
    });
    body.append("records", JSON.stringify(payload));
    return fetch(panel.getAttribute("data-sync-url"), {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": token}, body: body
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.status === 401 || response.status === 403 || response.redirected) { throw new Error("login"); }
      if (!response.ok || !json) { throw new Error("failed"); }
      return response.json();
    }).then(function (data) {
      var byKey = {};
      chunk.forEach(function (record) { byKey[record.key] = record; });
      // One result after the other: each is its own IndexedDB transaction, and the queue must
      // end up saying exactly what the server answered for every record.
      return (data.results || []).reduce(function (previous, result) {
        return previous.then(function (done) {
          var record = byKey[result.key];
          if (!record) { return done; }
          if (result.status === "ok") { return deleteRecord(record.key).then(function () { return done + 1; }); }
          record.state = "refused";
          record.message = result.message || "";
          return putRecord(record).then(function () { return done; });
        });
      }, Promise.resolve(0));
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    return myRecords().then(function (records) {
      var waiting = records.filter(function (record) { return record.state === "waiting"; });
      return chunks(waiting).reduce(function (previous, chunk) {
        return previous.then(function () { return send(chunk).then(function (n) { sent += n; }); });
      }, Promise.resolve());
    }).then(function () {
      if (sent) { say(text("sent") + "：" + sent); }
    }).catch(function (error) {
      say(error && error.message === "login" ? text("login") : text("failed"));
    }).then(function () {
      flushing = false;
      return render();
    });
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("wangge-offline"); }
    }).catch(function () { /* Background Sync is a bonus: the online event and page loads send too */ });
  }

  // --- the cache the service worker answers from when there is no signal

  function sameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  function precache() {
    if (!window.caches || !navigator.onLine) { return Promise.resolve(); }
    var pages = [];
    if (!(navigator.serviceWorker && navigator.serviceWorker.controller)) { pages.push(location.pathname + location.search); }
    document.querySelectorAll("[data-offline-cache]").forEach(function (link) {
      var url = link.getAttribute("data-offline-cache") || link.getAttribute("href");
      if (url && sameOrigin(url) && pages.indexOf(url) < 0) { pages.push(url); }
    });
    var assets = [];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (node) {
      var url = node.getAttribute("href") || node.getAttribute("src");
      if (sameOrigin(url)) { assets.push(url); }
    });
    function store(name, urls, always) {
      return caches.open(name).then(function (cache) {
        return Promise.all(urls.map(function (url) {
          return cache.match(url, {ignoreVary: true}).then(function (hit) {
            if (hit && !always) { return null; }
            return fetch(url, {credentials: "same-origin"}).then(function (response) {
              if (response.ok && !response.redirected) { return cache.put(url, response); }
              return null;
            });
          }).catch(function () { return null; });
        }));
      });
    }
    return Promise.all([store(PAGES, pages, false), store(STATIC, assets, false)]);
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "wangge-flush") { flush(); }
    });
    return navigator.serviceWorker.register(panel.getAttribute("data-sw-url"), {scope: "/"})
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { /* no service worker: the queue still works on open pages */ });
  }

  // Signing out empties the page cache: the next person on this phone must not read these pages.
  document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () { if (window.caches) { caches.delete(PAGES); } });
  });

  sendButton.addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { note = ""; flush(); });
  window.addEventListener("offline", function () { render(); });
  window.addEventListener("hashchange", startEditing);  // 修改 on the page the record came from

  render();
  freshNow();
  startEditing();
  Promise.all([registerWorker(), flush()]).then(precache).then(function () {
    document.documentElement.setAttribute("data-offline-ready", "1");
  });
})();
