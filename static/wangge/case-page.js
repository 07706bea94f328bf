/*
 * The case page and the workbench:
 *  - the small map of the case's point and grid (settings in the JSON element named by
 *    data-config: lng, lat in the tiles' coordinate system or null, tileUrl, tileAttribution,
 *    tileSubdomains, outlines: the grid and the grids around it, see map-outlines.js);
 *    when drawn the container gets data-state="ready";
 *  - the action form the server sent back with errors opens again (data-open-on-load);
 *  - (forms with data-confirm ask before submitting: static/wangge/wangge.js, on every page);
 *  - the workbench's bulk dispatch: "select all" and the count of selected cases.
 */
(function () {
  "use strict";

  function initMap(container) {
    if (typeof L === "undefined") {
      return;
    }
    var config = JSON.parse(document.getElementById(container.dataset.config).textContent);
    var point = config.lat !== null && config.lng !== null ? [config.lat, config.lng] : null;
    var map = L.map(container, { attributionControl: Boolean(config.tileUrl) });
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
    }
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {
        subdomains: config.tileSubdomains || "abc",
        attribution: config.tileAttribution || "",
        maxZoom: 19
      }).addTo(map);
    }
    // The grid's outline (and the grids around it): framed on the grid, the point kept in view.
    var bounds = null;
    if (config.outlines && window.wanggeOutlines) {
      var layer = window.wanggeOutlines.draw(map, config.outlines);
      layer.eachLayer(function (shape) {
        if (shape.feature && shape.feature.properties.role === "self") {
          bounds = shape.getBounds();
        }
      });
    }
    if (bounds && point) {
      bounds.extend(point);
    }
    if (bounds) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 18 });
    } else if (point) {
      map.setView(point, 17);
    }
    if (point) {
      L.circleMarker(point, {
        radius: 9, color: "#ffffff", weight: 3, fillColor: "#b71c1c", fillOpacity: 1, className: "wg-case-pin",
        pane: "markerPane"
      })
        .addTo(map);
    }
    container.dataset.state = "ready";
  }

  function openOnLoad(element) {
    if (typeof bootstrap === "undefined") {
      return;
    }
    bootstrap.Modal.getOrCreateInstance(element).show();
  }

  function initBulk(form) {
    var boxes = function () {
      return Array.prototype.slice.call(document.querySelectorAll("input[name='bulk-cases'][form='" + form.id + "']"));
    };
    var all = document.getElementById("select-all-cases");
    var button = document.getElementById("bulk-dispatch-open");
    var counter = document.getElementById("bulk-selected-count");
    function refresh() {
      var selected = boxes().filter(function (box) { return box.checked; }).length;
      if (button) { button.disabled = selected === 0; }
      if (counter) { counter.textContent = String(selected); }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        refresh();
      });
    }
    boxes().forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();
  }

  document.querySelectorAll(".case-map[data-config]").forEach(initMap);
  document.querySelectorAll("[data-open-on-load]").forEach(openOnLoad);
  document.querySelectorAll("form#bulk-dispatch-form").forEach(initBulk);
})();
