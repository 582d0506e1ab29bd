/* The receipt's "Print" button: the browser's print dialog also saves it as PDF. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
