/*
 * The report forms (staff /cases/report/ and public /s/report/): the place of the problem by
 * "use my location" (browser geolocation, WGS-84) or a pin on the map (in the tiles' own
 * coordinate system, MAP_TILE_CRS: WGS84, GCJ02 or BD09). The hidden inputs longitude,
 * latitude and system carry the point and the system it is in; the server converts to WGS-84
 * and finds the grid. After each pin the locate URL names the grid under it.
 *
 * Also: the list of chosen photos (with a warning above the limit), the 当场解决 details,
 * the contact fields hidden for anonymous reports, and the registry link chips of the staff form.
 *
 * Settings come from the JSON element named by the form's data-map-config: tileUrl,
 * tileAttribution, tileSubdomains, tileCrs, bounds ([[south, west], [north, east]] in the
 * tiles' system), whereUrl, outlinesUrl and outlines (the QR grid's surroundings, GeoJSON).
 * Under the map "位置在：XX网格" names the grid of the pin in large type (#place-grid). The map container gets data-state="ready" when drawn; the map
 * is window.wanggeReportMap (for tests).
 */
(function () {
  "use strict";

  // ----- WGS-84 → GCJ-02 → BD-09, to show a GPS position on shifted tiles ---------------------
  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  var X_PI = Math.PI * 3000.0 / 180.0;

  function outsideChina(lng, lat) {
    return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function shiftLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }

  function shiftLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }

  function wgsToGcj(lng, lat) {
    if (outsideChina(lng, lat)) {
      return [lng, lat];
    }
    var dLat = shiftLat(lng - 105.0, lat - 35.0);
    var dLng = shiftLng(lng - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * Math.PI;
    var magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLng = (dLng * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lng + dLng, lat + dLat];
  }

  function gcjToBd(lng, lat) {
    var z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
    var theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * X_PI);
    return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
  }

  // A WGS-84 point in the tiles' system (only for drawing; the server converts what is sent).
  function wgsToTiles(lng, lat, crs) {
    if (crs === "GCJ02") {
      return wgsToGcj(lng, lat);
    }
    if (crs === "BD09") {
      var gcj = wgsToGcj(lng, lat);
      return gcjToBd(gcj[0], gcj[1]);
    }
    return [lng, lat];
  }

  // ----- the map ----------------------------------------------------------------------------------
  // The outlines (static/wangge/map-outlines.js): the QR's grid and its surroundings at once,
  // then whatever lies in the view as the user pans. Without tiles they are all there is to see.
  function drawOutlines(map, config) {
    if (!window.wanggeOutlines) {
      return;
    }
    var skip = {};
    if (config.outlines) {
      window.wanggeOutlines.draw(map, config.outlines);
      config.outlines.features.forEach(function (feature) { skip[feature.properties.code] = true; });
    }
    if (config.outlinesUrl) {
      window.wanggeOutlines.follow(map, config.outlinesUrl, { skip: skip });
    }
  }

  function setupMap(form, config) {
    var container = form.querySelector("#report-map");
    if (!container || typeof L === "undefined") {
      return;
    }
    var inputs = {
      lng: form.querySelector("[name=longitude]"),
      lat: form.querySelector("[name=latitude]"),
      system: form.querySelector("[name=system]")
    };
    var status = form.querySelector("#location-status");
    var tileCrs = config.tileCrs || "WGS84";
    var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(config.tileUrl) });
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
    }
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {
        subdomains: config.tileSubdomains || "abc", attribution: config.tileAttribution || "", maxZoom: 19
      }).addTo(map);
    }
    if (config.bounds) {
      map.fitBounds(config.bounds, { padding: [8, 8] });
    } else {
      map.setView([35, 105], 4);
    }
    drawOutlines(map, config);
    var marker = null;
    var lookup = 0;
    var placeBox = form.querySelector("#place-grid");
    var placeName = form.querySelector("#place-grid-name");

    function say(text, css) {
      status.textContent = text;
      status.className = "wg-location-status mt-1 " + (css || "text-muted");
    }

    // "位置在：XX网格" in large type: the grid under the pin as the locator answers it.
    function sayPlace(text, outside) {
      if (!placeBox || !placeName) {
        return;
      }
      placeName.textContent = text;
      placeBox.hidden = false;
      placeBox.classList.toggle("wg-place-outside", Boolean(outside));
    }

    function describe(lng, lat) {
      var label = container.dataset.pickedText + " " + lat.toFixed(6) + ", " + lng.toFixed(6);
      say(label);
      if (!config.whereUrl) {
        return;
      }
      var ticket = ++lookup;
      var query = "?lng=" + encodeURIComponent(lng) + "&lat=" + encodeURIComponent(lat) +
        "&crs=" + encodeURIComponent(inputs.system.value || "WGS84");
      fetch(config.whereUrl + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (ticket !== lookup) {
            return;
          }
          if (answer.found) {
            say(label + " · " + container.dataset.insideText + " " + answer.area.path, "text-success");
            sayPlace(answer.area.grid || answer.area.name, false);
          } else {
            say(label + " · " + answer.message, "text-danger");
            sayPlace(answer.message, true);
          }
        })
        .catch(function () { /* the server checks again on submit */ });
    }

    function draw(tileLatLng) {
      if (marker) {
        marker.setLatLng(tileLatLng);
      } else {
        marker = L.marker(tileLatLng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { pick(marker.getLatLng(), tileCrs); });
      }
    }

    // A point in the tiles' system (a click or a drag): sent as it is, with the tiles' system.
    function pick(latlng, crs) {
      inputs.lng.value = latlng.lng.toFixed(7);
      inputs.lat.value = latlng.lat.toFixed(7);
      inputs.system.value = crs;
      draw(latlng);
      describe(latlng.lng, latlng.lat);
    }

    // A GPS position (WGS-84): sent in WGS-84, drawn shifted onto the tiles.
    function pickGps(lng, lat) {
      inputs.lng.value = lng.toFixed(7);
      inputs.lat.value = lat.toFixed(7);
      inputs.system.value = "WGS84";
      var onTiles = wgsToTiles(lng, lat, tileCrs);
      draw([onTiles[1], onTiles[0]]);
      map.setView([onTiles[1], onTiles[0]], Math.max(map.getZoom(), 17));
      describe(lng, lat);
    }

    map.on("click", function (event) { pick(event.latlng, tileCrs); });

    var locateButton = form.querySelector("#locate-me");
    if (locateButton) {
      if (!navigator.geolocation) {
        locateButton.hidden = true;
      }
      locateButton.addEventListener("click", function () {
        say(container.dataset.locatingText);
        navigator.geolocation.getCurrentPosition(
          function (position) { pickGps(position.coords.longitude, position.coords.latitude); },
          function () { say(container.dataset.deniedText, "text-danger"); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
    var clearButton = form.querySelector("#clear-location");
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        inputs.lng.value = "";
        inputs.lat.value = "";
        inputs.system.value = "WGS84";
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        say(container.dataset.noneText);
        // Back to the grid of the QR code, if the page was opened from one.
        if (placeBox && placeBox.dataset.defaultName) {
          sayPlace(placeBox.dataset.defaultName, false);
        } else if (placeBox) {
          placeBox.hidden = true;
        }
      });
    }

    // A form shown again after an error keeps its point.
    var lng = parseFloat(inputs.lng.value);
    var lat = parseFloat(inputs.lat.value);
    if (isFinite(lng) && isFinite(lat)) {
      var system = inputs.system.value || "WGS84";
      var shown = system === tileCrs ? [lng, lat] : wgsToTiles(lng, lat, tileCrs);
      draw([shown[1], shown[0]]);
      map.setView([shown[1], shown[0]], Math.max(map.getZoom(), 16));
      describe(lng, lat);
    } else {
      say(container.dataset.noneText);
    }
    container.dataset.state = "ready";
    window.wanggeReportMap = map;
  }

  // ----- photos: the chosen files, and a warning above the limit ----------------------------------
  function setupPhotoLists(form) {
    form.querySelectorAll("input[type=file][data-limit]").forEach(function (input) {
      var list = form.querySelector("[data-photo-list='" + input.id + "']");
      if (!list) {
        return;
      }
      // A form emptied after being kept on the phone offline (offline.js) lists no photo any more.
      form.addEventListener("reset", function () { list.textContent = ""; list.classList.remove("text-danger"); });
      input.addEventListener("change", function () {
        var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
        var limit = parseInt(input.dataset.limit, 10);
        list.textContent = names.join("、");
        list.classList.remove("text-danger");
        if (limit && names.length > limit) {
          list.textContent = list.dataset.tooManyText + " " + list.textContent;
          list.classList.add("text-danger");
        }
      });
    });
  }

  // ----- 当场解决: show the note and after-photos only when ticked --------------------------------------
  function setupResolved(form) {
    var box = form.querySelector("[name=resolved]");
    var details = form.querySelector("#resolved-details");
    if (!box || !details) {
      return;
    }
    box.addEventListener("change", function () { details.hidden = !box.checked; });
    form.addEventListener("reset", function () { details.hidden = true; });
  }

  // ----- 匿名反映: no contact fields when anonymous ----------------------------------------------------
  function setupAnonymous(form) {
    var box = form.querySelector("[name=anonymous]");
    var fields = form.querySelector("#contact-fields");
    if (!box || !fields) {
      return;
    }
    function sync() { fields.hidden = box.checked; }
    box.addEventListener("change", sync);
    sync();
  }

  // ----- registry links: pick from the search results, remove with × ----------------------------------
  function setupLinks(form) {
    var chips = form.querySelector("#link-chips");
    var results = form.querySelector("#link-results");
    if (!chips) {
      return;
    }
    var removeText = chips.dataset.removeText || "×";

    function unlink(kind) {
      var input = form.querySelector("input[type=hidden][name=" + kind + "]");
      if (input) {
        input.value = "";
      }
      var chip = chips.querySelector("[data-chip=" + kind + "]");
      if (chip) {
        chip.remove();
      }
    }

    function link(kind, id, label, badge) {
      unlink(kind);
      if (kind === "resident") {
        unlink("household"); // the server takes the resident's current household
      }
      form.querySelector("input[type=hidden][name=" + kind + "]").value = id;
      var chip = document.createElement("span");
      chip.className = "wg-link-chip";
      chip.dataset.chip = kind;
      chip.textContent = badge + "：" + label + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.unlink = kind;
      button.setAttribute("aria-label", removeText);
      button.textContent = "×";
      chip.appendChild(button);
      chips.appendChild(chip);
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("[data-unlink]");
      if (button) {
        unlink(button.dataset.unlink);
      }
    });
    var search = form.querySelector("#link-search");
    if (search) {
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault(); // searching, not submitting the report
        }
      });
    }
    if (results) {
      results.addEventListener("click", function (event) {
        var item = event.target.closest("[data-link-kind]");
        if (!item) {
          return;
        }
        var badge = item.querySelector(".badge");
        link(item.dataset.linkKind, item.dataset.linkId, item.dataset.linkLabel, badge ? badge.textContent : "");
        results.innerHTML = "";
        if (search) {
          search.value = "";
        }
      });
    }
  }

  document.querySelectorAll("form[data-map-config]").forEach(function (form) {
    var config = JSON.parse(document.getElementById(form.dataset.mapConfig).textContent);
    setupMap(form, config);
    setupPhotoLists(form);
    setupResolved(form);
    setupAnonymous(form);
    setupLinks(form);
  });
})();
