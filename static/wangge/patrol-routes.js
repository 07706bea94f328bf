/*
 * The day's patrol routes on the grid's map (网格长, 督导员 only: the server renders this page for
 * nobody else). Reads the JSON element named by data-config: outlines (in the tiles' system),
 * routes (one LineString per patrol, properties patrol and label) and the tile settings. The
 * patrol named by data-highlight is drawn on top in a stronger colour. Labels are text only.
 * When drawn, the container gets data-state="ready" and data-routes="<count>".
 */
(function () {
  "use strict";

  var container = document.getElementById("route-map");
  if (!container || typeof L === "undefined") { return; }
  var data = JSON.parse(document.getElementById(container.dataset.config).textContent);
  var highlight = container.dataset.highlight || "";
  var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(data.tileUrl) });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { subdomains: data.tileSubdomains || "abc", attribution: data.tileAttribution || "",
      maxZoom: 19 }).addTo(map);
  }
  var bounds = L.latLngBounds([]);
  if (window.wanggeOutlines && data.outlines) {
    var outlines = window.wanggeOutlines.draw(map, data.outlines);
    if (outlines.getLayers().length) { bounds.extend(outlines.getBounds()); }
  }
  var features = (data.routes && data.routes.features) || [];
  var routes = L.geoJSON(data.routes, {
    style: function (feature) {
      var own = String(feature.properties.patrol) === highlight;
      return { color: own ? "#b71c1c" : "#1565c0", weight: own ? 5 : 3, opacity: own ? 0.95 : 0.7 };
    },
    onEachFeature: function (feature, layer) {
      var label = document.createElement("span");
      label.textContent = feature.properties.label;
      layer.bindTooltip(label, { sticky: true });
    }
  }).addTo(map);
  if (features.length) { bounds.extend(routes.getBounds()); }
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16] });
  } else {
    map.setView([35, 105], 4);
  }
  container.dataset.routes = String(features.length);
  container.dataset.state = "ready";
})();
