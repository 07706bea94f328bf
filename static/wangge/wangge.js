/*
 * Behaviour every page shares, loaded by both base templates. The Content-Security-Policy
 * allows no inline script or event handler, so the markup only carries data- attributes:
 *  - form[data-confirm]: ask before submitting (the question is the attribute's text);
 *  - [data-swap-statuses="400 403"]: htmx swaps refused answers with these statuses into the
 *    page too (forms come back with their errors); with data-swap-retargeted only when the
 *    server named the target (HX-Retarget);
 *  - [data-history-back]: a cancel button that goes back one page;
 *  - [data-width-percent]: a progress bar's width (style attributes are refused as well).
 * Listeners sit on the document, so content htmx swaps in later behaves the same.
 */
(function () {
  "use strict";

  // Capturing: the question comes before any other handler of the form sees the submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-history-back]")) {
      window.history.back();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var host = event.target.closest ? event.target.closest("[data-swap-statuses]") : null;
    if (!host) {
      return;
    }
    var xhr = event.detail.xhr;
    if (host.dataset.swapStatuses.split(/\s+/).indexOf(String(xhr.status)) === -1) {
      return;
    }
    if ("swapRetargeted" in host.dataset && !xhr.getResponseHeader("HX-Retarget")) {
      return;
    }
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  var WIDTH = "[data-width-percent]";

  function setWidth(bar) {
    var percent = Math.max(0, Math.min(100, parseFloat(bar.dataset.widthPercent) || 0));
    bar.style.width = percent + "%";
  }

  function setWidths(root) {
    if (root.matches && root.matches(WIDTH)) {
      setWidth(root);
    }
    root.querySelectorAll(WIDTH).forEach(setWidth);
  }

  document.addEventListener("htmx:load", function (event) { setWidths(event.target); });
  setWidths(document);
})();
