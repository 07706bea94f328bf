/*
 * Form checks in the page's language. The browser checks required fields, number ranges and
 * lengths itself before a form is sent (in the dialogs of the case page, 延长工作日 and the
 * others), but in its own language, so a Chinese page said "Please fill out this field". This
 * script replaces each message with the page's own, naming the field by its label: the texts
 * come translated from #wg-validity-messages (templates/core/_validity_messages.html).
 * Messages are plain text given to setCustomValidity, never HTML.
 */
(function () {
  "use strict";

  var source = document.getElementById("wg-validity-messages");
  if (!source) {
    return;
  }
  var texts = source.dataset;

  function labelOf(field) {
    var label = field.id ? document.querySelector("label[for='" + CSS.escape(field.id) + "']") : null;
    if (field.type === "radio" || field.type === "checkbox") {
      var group = field.closest("fieldset");
      var legend = group ? group.querySelector("legend") : null;
      if (legend) {
        label = legend;
      }
    }
    var text = label ? label.textContent.replace(/[\s*：:]+$/, "").trim() : "";
    return text || texts.thisField;
  }

  function fill(template, field) {
    return template
      .replace("{field}", labelOf(field))
      .replace("{min}", field.getAttribute("min") || "")
      .replace("{max}", field.getAttribute("max") || "")
      .replace("{maxlength}", field.getAttribute("maxlength") || "")
      .replace("{minlength}", field.getAttribute("minlength") || "");
  }

  function missingText(field) {
    if (field.tagName === "SELECT" || field.type === "radio") {
      return texts.valueMissingChoice;
    }
    if (field.type === "checkbox") {
      return texts.valueMissingCheck;
    }
    return field.type === "file" ? texts.valueMissingFile : texts.valueMissing;
  }

  function messageFor(field) {
    var validity = field.validity;
    if (validity.valueMissing) {
      return fill(missingText(field), field);
    }
    if (validity.rangeUnderflow) {
      return fill(texts.rangeUnderflow, field);
    }
    if (validity.rangeOverflow) {
      return fill(texts.rangeOverflow, field);
    }
    if (validity.tooLong) {
      return fill(texts.tooLong, field);
    }
    if (validity.tooShort) {
      return fill(texts.tooShort, field);
    }
    if (validity.stepMismatch) {
      return fill(texts.stepMismatch, field);
    }
    return fill(texts.invalid, field);
  }

  // "invalid" does not bubble: listen while it is captured on the way down.
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");  // read the field's own state, not our last message
    if (!field.validity.valid) {
      field.setCustomValidity(messageFor(field));
    }
  }, true);

  // A message set above would keep the field invalid: drop it as soon as the value changes.
  function reset(event) {
    if (event.target.setCustomValidity) {
      event.target.setCustomValidity("");
    }
  }
  document.addEventListener("input", reset, true);
  document.addEventListener("change", reset, true);
})();
