/*
 * Area outlines on the small maps (report forms, case page): without a tile server they are the
 * only thing to orient by, with tiles they show where one grid ends. Collections come from the
 * server in the tiles' coordinate system; each feature's properties hold code, name, level and
 * role: "self" (the grid the page is about), "neighbour" (grids beside it), "context" (its
 * community) or "area" (what lies in the view while panning).
 *
 * Outlines never take taps: a tap on a polygon is a tap on the map (it places the pin). Names
 * are inserted as text, never as HTML.
 *
 *   wanggeOutlines.draw(map, collection)        → the layer (labels on every feature)
 *   wanggeOutlines.follow(map, url, {skip: {}}) → reloads "<url>?bbox=w,s,e,n" after each move
 *
 * The map container counts what is drawn: data-outlines-focus and data-outlines-area.
 */
(function () {
  "use strict";

  var STYLES = {
    self: { color: "#b71c1c", weight: 3, opacity: 1, fillColor: "#b71c1c", fillOpacity: 0.08 },
    neighbour: { color: "#455a64", weight: 1.5, opacity: 0.9, dashArray: "5 4", fill: false },
    context: { color: "#2e7d32", weight: 2.5, opacity: 0.9, fill: false },
    area: { color: "#455a64", weight: 1.5, opacity: 0.9, fillColor: "#90a4ae", fillOpacity: 0.06 }
  };
  var LABEL_LIMIT = 40;

  function labelContent(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function layerOf(collection, withLabels) {
    return L.geoJSON(collection, {
      interactive: false,
      style: function (feature) {
        var role = STYLES[feature.properties.role] ? feature.properties.role : "area";
        return L.extend({ className: "wg-outline-" + role }, STYLES[role]);
      },
      onEachFeature: function (feature, layer) {
        var role = feature.properties.role;
        if (!withLabels || role === "context" || !feature.properties.name) {
          return;
        }
        layer.bindTooltip(labelContent(feature.properties.name), {
          permanent: true, direction: "center", interactive: false,
          className: "wg-outline-label" + (role === "self" ? " wg-outline-label-self" : "")
        });
      }
    });
  }

  // A name wider than its polygon wraps to the polygon's width; one that is then still taller
  // than the polygon is hidden (but never the name of the page's own grid).
  function fitLabels(map, layer) {
    layer.eachLayer(function (shape) {
      var tooltip = shape.getTooltip && shape.getTooltip();
      var label = tooltip && tooltip.getElement();
      if (!label) {
        return;
      }
      var bounds = shape.getBounds();
      var northEast = map.latLngToLayerPoint(bounds.getNorthEast());
      var southWest = map.latLngToLayerPoint(bounds.getSouthWest());
      var own = shape.feature.properties.role === "self";
      label.style.maxWidth = Math.max(northEast.x - southWest.x - 6, 28) + "px";
      label.style.visibility = "";
      if (!own && label.offsetHeight > southWest.y - northEast.y - 4) {
        label.style.visibility = "hidden";
      }
      tooltip.update();
    });
  }

  function keepFitted(map, layer) {
    fitLabels(map, layer);
    map.on("zoomend", function () { fitLabels(map, layer); });
  }

  // Names above the outlines but below the pin (Leaflet puts tooltips above markers).
  function namesUnderThePin(map) {
    map.getPane("tooltipPane").style.zIndex = 450;
  }

  function draw(map, collection) {
    namesUnderThePin(map);
    var features = (collection && collection.features) || [];
    var layer = layerOf({ type: "FeatureCollection", features: features }, true).addTo(map);
    keepFitted(map, layer);
    map.getContainer().dataset.outlinesFocus = String(features.length);
    return layer;
  }

  function follow(map, url, options) {
    namesUnderThePin(map);
    var skip = (options && options.skip) || {};
    var group = L.layerGroup().addTo(map);
    var ticket = 0;
    var timer = null;

    function load() {
      var bounds = map.getBounds();
      var bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map(function (value) { return value.toFixed(6); }).join(",");
      var mine = ++ticket;
      fetch(url + "?bbox=" + encodeURIComponent(bbox), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (collection) {
          if (mine !== ticket || !collection) {
            return;
          }
          var features = collection.features.filter(function (feature) { return !skip[feature.properties.code]; });
          group.clearLayers();
          var layer = layerOf({ type: "FeatureCollection", features: features }, features.length <= LABEL_LIMIT);
          group.addLayer(layer);
          fitLabels(map, layer);
          map.getContainer().dataset.outlinesArea = String(features.length);
        })
        .catch(function () { /* outlines only help to orient; the map works without them */ });
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 250);
    });
    load();
    return group;
  }

  window.wanggeOutlines = { draw: draw, follow: follow };
})();
