/*
 * The area map: the children of an area as coloured polygons with name labels, the area
 * itself outlined. Reads its settings from the JSON element named by data-config
 * (geojsonUrl, tileUrl, tileAttribution, tileSubdomains). Clicking a polygon opens its page.
 * Names and labels are inserted as text, never as HTML.
 * When drawn, the container gets data-state="ready" and data-polygons="<count>".
 */
(function () {
  "use strict";

  // Keep in step with the .kind-* colours in areas/templates/areas/_styles.html.
  var PALETTE = {
    province: "#4e342e", city: "#4e342e", district: "#5d4037",
    street: "#1565c0", community: "#2e7d32",
    comprehensive: "#e65100", dedicated: "#6a1b9a", microgrid: "#00838f"
  };
  var FALLBACK_COLOUR = "#546e7a";
  var OUTLINE_COLOUR = "#b71c1c";

  function colourOf(feature) {
    return PALETTE[feature.properties.kind] || FALLBACK_COLOUR;
  }

  function childStyle(feature, index) {
    return {
      color: "#ffffff", weight: 2, opacity: 1,
      fillColor: colourOf(feature), fillOpacity: 0.34 + (index % 3) * 0.1
    };
  }

  function showMessage(container, text) {
    var message = document.createElement("div");
    message.className = "map-message";
    message.textContent = text;
    container.appendChild(message);
  }

  function addTiles(map, config) {
    if (!config.tileUrl) {
      return;
    }
    L.tileLayer(config.tileUrl, {
      subdomains: config.tileSubdomains || "abc",
      attribution: config.tileAttribution || "",
      maxZoom: 19
    }).addTo(map);
  }

  function addLegend(map, features) {
    var seen = {};
    var rows = [];
    features.forEach(function (feature) {
      var kind = feature.properties.kind;
      if (!seen[kind]) {
        seen[kind] = true;
        rows.push({ colour: colourOf(feature), label: feature.properties.kind_label });
      }
    });
    if (!rows.length) {
      return;
    }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      rows.forEach(function (row) {
        var line = L.DomUtil.create("div", "", box);
        var swatch = L.DomUtil.create("i", "", line);
        swatch.style.background = row.colour;
        line.appendChild(document.createTextNode(row.label));
      });
      return box;
    };
    legend.addTo(map);
  }

  // "百花社区第一网格" under "百花社区" is labelled "第一网格": the parent is already on screen.
  function shortName(name, parentName) {
    if (parentName && name.length > parentName.length + 1 && name.indexOf(parentName) === 0) {
      return name.slice(parentName.length);
    }
    return name;
  }

  // Leaflet treats a string as HTML: names go in as an element holding them as text.
  function labelContent(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function labelElement(layer) {
    var tooltip = layer.getTooltip();
    return tooltip ? tooltip.getElement() : null;
  }

  // A label wider than its polygon would cover the neighbours: first try a smaller type
  // wrapped to the polygon's width, then show it only on hover (the children table below
  // the map lists every name).
  function fitLabels(map, group) {
    group.eachLayer(function (layer) {
      var label = labelElement(layer);
      if (!label) {
        return;
      }
      var bounds = layer.getBounds();
      var northEast = map.latLngToLayerPoint(bounds.getNorthEast());
      var southWest = map.latLngToLayerPoint(bounds.getSouthWest());
      var width = northEast.x - southWest.x;
      var height = southWest.y - northEast.y;
      label.classList.remove("map-label-small", "map-label-tight");
      label.style.width = "";
      if (label.offsetWidth > width + 4) {
        label.classList.add("map-label-small");
        label.style.width = Math.max(width - 8, 24) + "px";
        if (label.offsetWidth > width + 4 || label.offsetHeight > height - 4) {
          label.classList.add("map-label-tight");
        }
      }
      layer.getTooltip().update();
    });
  }

  function drawChildren(map, children, parentName) {
    var index = 0;
    var group = L.geoJSON(children, {
      style: function (feature) { return childStyle(feature, index++); },
      onEachFeature: function (feature, layer) {
        var base = layer.options.fillOpacity;
        layer.bindTooltip(labelContent(shortName(feature.properties.name, parentName)), {
          permanent: true, direction: "center", className: "map-label", opacity: 1
        });
        layer.on("mouseover", function () {
          layer.setStyle({ weight: 3, fillOpacity: Math.min(base + 0.25, 0.9) });
          var label = labelElement(layer);
          if (label) { label.classList.add("map-label-hover"); }
        });
        layer.on("mouseout", function () {
          layer.setStyle({ weight: 2, fillOpacity: base });
          var label = labelElement(layer);
          if (label) { label.classList.remove("map-label-hover"); }
        });
        layer.on("click", function () { window.location.assign(feature.properties.url); });
      }
    }).addTo(map);
    map.on("zoomend", function () { fitLabels(map, group); });
    return group;
  }

  function drawSelf(map, selfFeatures, filled) {
    return L.geoJSON(selfFeatures, {
      interactive: false,
      style: function (feature) {
        return filled
          ? { color: OUTLINE_COLOUR, weight: 2.5, fillColor: colourOf(feature), fillOpacity: 0.35 }
          : { color: OUTLINE_COLOUR, weight: 3, dashArray: "8 5", fill: false };
      },
      onEachFeature: function (feature, layer) {
        if (filled) {
          layer.bindTooltip(labelContent(feature.properties.name), {
            permanent: true, direction: "center", className: "map-label", opacity: 1
          });
        }
      }
    }).addTo(map);
  }

  function draw(map, container, collection) {
    var features = collection.features || [];
    var children = features.filter(function (f) { return f.properties.role === "child"; });
    var selfFeatures = features.filter(function (f) { return f.properties.role === "self"; });
    var parentName = selfFeatures.length ? selfFeatures[0].properties.name : "";
    var bounds = L.latLngBounds([]);
    var childGroup = null;
    if (children.length) {
      childGroup = drawChildren(map, children, parentName);
      bounds.extend(childGroup.getBounds());
      addLegend(map, children);
    }
    if (selfFeatures.length) {
      bounds.extend(drawSelf(map, selfFeatures, !children.length).getBounds());
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16] });
      if (childGroup) {
        fitLabels(map, childGroup);
      }
    } else {
      map.setView([35, 105], 4);
      showMessage(container, container.dataset.emptyText || "暂无边界数据");
    }
    container.dataset.polygons = String(children.length || selfFeatures.length);
    container.dataset.state = "ready";
  }

  function init(container) {
    var config = JSON.parse(document.getElementById(container.dataset.config).textContent);
    var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(config.tileUrl) });
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
    }
    addTiles(map, config);
    fetch(config.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) { draw(map, container, collection); })
      .catch(function () {
        container.dataset.state = "error";
        showMessage(container, container.dataset.errorText || "地图数据加载失败");
      });
  }

  document.querySelectorAll("[data-config].area-map").forEach(init);
})();
