/* The patrol page's route points: sent only when the page says the worker consented
   (#route-tracking is rendered only then), only while the page is open. */
(function () {
  "use strict";
  var holder = document.getElementById("route-tracking");
  if (!holder || !navigator.geolocation) { return; }
  var url = holder.getAttribute("data-url");
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  var last = 0;
  navigator.geolocation.watchPosition(function (position) {
    var now = Date.now();
    if (now - last < 60000) { return; }  // one point a minute is enough for a walk
    last = now;
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({lng: position.coords.longitude, lat: position.coords.latitude,
        accuracy: position.coords.accuracy})
    });
  }, function () { /* no position: nothing is sent */ }, {enableHighAccuracy: true, maximumAge: 30000});
})();
