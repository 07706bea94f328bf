/*
 * The printable pages (公示牌, 便民联系卡): the print button, and a big team that must still fit
 * one A4 sheet (the board gets tighter step by step until nothing overflows).
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var sheet = document.getElementById("board");
  if (sheet) {
    for (var step = 1; step <= 5 && sheet.scrollHeight > sheet.clientHeight + 1; step++) {
      sheet.classList.add("board-dense-" + step);
    }
  }
})();
