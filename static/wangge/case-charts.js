/*
 * The charts of the statistics page (事件统计), drawn with vega-lite through vega-embed (both
 * served from the js_lib_vega_embed package, no CDN). Reads the figures from the JSON element
 * #case-chart-data (cases.statistics.chart_data) and the translated labels from
 * #case-chart-labels; each <div data-chart="period|area|category"> gets one chart. When drawn,
 * a container gets data-state="ready" (or "empty" when there is nothing to draw).
 * Runs under the Content-Security-Policy without 'unsafe-eval' (see EMBED_OPTIONS).
 */
(function () {
  "use strict";

  var COLOURS = ["#b71c1c", "#1565c0"];
  // Counts are whole numbers: no 0.5 ticks, and no more ticks than the largest count.
  function countAxis(rows, fields) {
    var largest = 1;
    rows.forEach(function (row) {
      fields.forEach(function (field) { largest = Math.max(largest, row[field] || 0); });
    });
    return {format: "d", tickMinStep: 1, tickCount: Math.min(largest, 6)};
  }

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Rows {label, accepted, closed} as long rows {label, series, value} for grouped marks.
  function acceptedAndClosed(rows, labels) {
    var long = [];
    rows.forEach(function (row, index) {
      long.push({order: index, label: row.label, series: labels.accepted, value: row.accepted});
      long.push({order: index, label: row.label, series: labels.closed, value: row.closed});
    });
    return long;
  }

  function colour(labels) {
    return {
      field: "series", type: "nominal", title: labels.series,
      scale: {domain: [labels.accepted, labels.closed], range: COLOURS}
    };
  }

  function periodSpec(rows, labels) {
    return {
      data: {values: acceptedAndClosed(rows, labels)},
      mark: {type: "line", point: true},
      encoding: {
        x: {field: "label", type: "ordinal", sort: {field: "order"}, title: labels.period, axis: {labelAngle: -30}},
        y: {field: "value", type: "quantitative", title: labels.count, axis: countAxis(rows, ["accepted", "closed"])},
        color: colour(labels),
        tooltip: [{field: "label", title: labels.period}, {field: "series", title: labels.series},
                  {field: "value", title: labels.count}]
      }
    };
  }

  function areaSpec(rows, labels) {
    return {
      data: {values: acceptedAndClosed(rows, labels)},
      mark: "bar",
      encoding: {
        x: {field: "label", type: "nominal", sort: {field: "order"}, title: labels.area, axis: {labelAngle: -30}},
        xOffset: {field: "series", sort: [labels.accepted, labels.closed]},
        y: {field: "value", type: "quantitative", title: labels.count, axis: countAxis(rows, ["accepted", "closed"])},
        color: colour(labels),
        tooltip: [{field: "label", title: labels.area}, {field: "series", title: labels.series},
                  {field: "value", title: labels.count}]
      }
    };
  }

  function categorySpec(rows, labels) {
    return {
      data: {values: rows},
      mark: {type: "bar", color: COLOURS[0]},
      encoding: {
        y: {field: "label", type: "nominal", sort: "-x", title: labels.category},
        x: {field: "accepted", type: "quantitative", title: labels.accepted, axis: countAxis(rows, ["accepted"])},
        tooltip: [{field: "label", title: labels.category}, {field: "accepted", title: labels.accepted},
                  {field: "closed", title: labels.closed}]
      }
    };
  }

  var SPECS = {period: periodSpec, area: areaSpec, category: categorySpec};

  // Tooltip values are names from the server: every character that means something in HTML is escaped.
  var ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};
  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (character) { return ESCAPES[character]; });
  }

  // Under the Content-Security-Policy: vega's expressions run in its interpreter (ast), not
  // through new Function(); no <style> elements are added (case-charts.css has the rules).
  var EMBED_OPTIONS = {
    actions: false, renderer: "svg", ast: true, defaultStyle: false,
    tooltip: {disableDefaultStyle: true, sanitize: escapeHtml}
  };

  function draw(container, data, labels) {
    var kind = container.getAttribute("data-chart");
    var rows = (data.tables && data.tables[kind]) || [];
    if (!rows.length || !SPECS[kind]) {
      container.textContent = labels.empty;
      container.setAttribute("data-state", "empty");
      return;
    }
    var spec = SPECS[kind](rows, labels);
    spec.$schema = "https://vega.github.io/schema/vega-lite/v5.json";
    spec.width = "container";
    // The category chart grows with its rows (24 px each; a {step} height would make vega-lite
    // warn next to a container width); the others have a fixed height.
    spec.height = kind === "category" ? 24 * rows.length : 220;
    window.vegaEmbed(container, spec, EMBED_OPTIONS).then(function () {
      container.setAttribute("data-state", "ready");
    }).catch(function (error) {
      container.textContent = labels.failed;
      container.setAttribute("data-state", "failed");
      if (window.console) { window.console.error(error); }
    });
  }

  function start() {
    var data = readJson("case-chart-data");
    var labels = readJson("case-chart-labels");
    if (!data || !labels || typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (container) {
      draw(container, data, labels);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
