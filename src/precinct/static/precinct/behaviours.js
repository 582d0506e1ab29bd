// Small behaviours declared in the markup, so that no page needs inline script: the
// Content-Security-Policy (core/middleware.py) allows only scripts served by precinct.
//   <select data-autosubmit>          submits its form when changed
//   <select data-fill="answer">       copies its value into the element #answer
//   <div class="plot" data-figure=…>  draws the Plotly figure in JSON (when plotly is loaded)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) el.form.submit();
    var target = el.getAttribute("data-fill");
    if (target) document.getElementById(target).value = el.value;
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Plotly) return;
    document.querySelectorAll(".plot[data-figure]").forEach(function (el) {
      var fig = JSON.parse(el.dataset.figure);
      Plotly.newPlot(el, fig.data, fig.layout, { displayModeBar: false, responsive: true });
    });
  });
})();
