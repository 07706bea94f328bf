/* Wangge's service worker (served at /fieldwork/sw.js with Service-Worker-Allowed: /).

   It answers only the worker's pages (GET navigations under /fieldwork/) and the static files;
   every other request goes to the network untouched. Pages: network first, the last copy from
   the cache when there is no signal (or, for a page never opened, the today page). Static
   files: the cached copy at once, refreshed in the background. The page script
   (static/wangge/offline.js) adds the pages of the day to the cache and keeps the queue of
   records made offline; Background Sync here only asks the open pages to send it. */
"use strict";

var PAGES = "wangge-pages-v1";
var STATIC = "wangge-static-v1";
var HOME = "/fieldwork/";
// Pages that are not worth keeping offline or must always come fresh.
var SKIP = [/\/word\/$/, /\/sw\.js$/, /\/sync\/$/, /\/route\/$/, /\/nearest\/$/, /\/labels\//, /\/photo\//,
  /\/compliance\//, /\.webmanifest$/];

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("wangge-") === 0 && name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isPage(url) {
  return url.pathname.indexOf(HOME) === 0 && !SKIP.some(function (pattern) { return pattern.test(url.pathname); });
}

function fromCache(name, request) {
  return caches.open(name).then(function (cache) { return cache.match(request, {ignoreVary: true}); });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return fromCache(PAGES, request.url).then(function (hit) {
      return hit || fromCache(PAGES, new URL(HOME, self.location.origin).href);
    }).then(function (hit) { return hit || Response.error(); });
  });
}

function cacheFirst(request) {
  return fromCache(STATIC, request.url).then(function (hit) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(STATIC).then(function (cache) { return cache.put(request.url, copy); });
      }
      return response;
    });
    if (hit) {
      fresh.catch(function () { return null; });
      return hit;
    }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && isPage(url)) {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "wangge-offline") { return; }
  event.waitUntil(self.clients.matchAll({type: "window"}).then(function (clients) {
    clients.forEach(function (client) { client.postMessage({type: "wangge-flush"}); });
  }));
});
