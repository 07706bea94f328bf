/* The patrol page: route points every data-interval seconds (only when #route-tracking is rendered,
   i.e. the deployment records routes and the worker consented),
   and 按位置推荐, which asks the server for the nearest targets and offers them as buttons.
   Server data is put in with textContent only. */
(function () {
  "use strict";
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }

  var holder = document.getElementById("route-tracking");
  if (holder && navigator.geolocation) {
    var url = holder.getAttribute("data-url");
    var last = 0;
    var every = Math.max(parseInt(holder.getAttribute("data-interval"), 10) || 60, 10) * 1000;
    navigator.geolocation.watchPosition(function (position) {
      var now = Date.now();
      if (now - last < every) { return; }  // one point every FIELDWORK_ROUTE_INTERVAL_SECONDS
      last = now;
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token},
        body: JSON.stringify({lng: position.coords.longitude, lat: position.coords.latitude,
          accuracy: position.coords.accuracy})
      });
    }, function () { /* no position: nothing is sent */ }, {enableHighAccuracy: true, maximumAge: 30000});
  }

  var button = document.getElementById("nearest-button");
  var list = document.getElementById("nearest-stops");
  if (!button || !list) { return; }
  function say(text) {
    var note = document.createElement("p");
    note.className = "text-muted small";
    note.textContent = text;
    list.replaceChildren(note);
  }
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { say(button.getAttribute("data-denied")); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      var query = "?lng=" + encodeURIComponent(position.coords.longitude) + "&lat=" + encodeURIComponent(position.coords.latitude);
      fetch(button.getAttribute("data-url") + query, {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var stops = data.stops || [];
          if (!stops.length) { say(button.getAttribute("data-none")); return; }
          var links = stops.map(function (stop) {
            var link = document.createElement("a");
            link.className = "btn btn-primary wg-tap";
            link.href = stop.url;
            link.textContent = stop.label;
            return link;
          });
          list.replaceChildren.apply(list, links);
        })
        .catch(function () { say(button.getAttribute("data-denied")); });
    }, function () { say(button.getAttribute("data-denied")); }, {enableHighAccuracy: true, timeout: 15000});
  });
})();
