/* The "find my inspector" map (Leaflet, offline base map from basemap.js).
 *
 * A click on the map locates that place; the result panel is rendered by the server (htmx)
 * and this file only draws what it says: the precinct, the resident's point, the posts and
 * the walking routes, then zooms to them.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const el = document.getElementById("map");
  const form = document.getElementById("address-form");
  const candidates = document.getElementById("candidates");
  const map = precinctBasemap.create(el, cfg);
  const result = L.featureGroup().addTo(map);
  let enterPressed = false;

  function marker(lon, lat, name, color, className) {
    return L.circleMarker([lat, lon], { radius: 8, color: "#ffffff", weight: 2, fillColor: color,
                                        fillOpacity: 1, className: className })
      .bindTooltip(name);
  }

  function draw(data) {
    result.clearLayers();
    if (data.precinct.boundary) {
      L.geoJSON(data.precinct.boundary, { interactive: false, style: {
        color: "#1f5fa8", weight: 2, fillColor: "#1f5fa8", fillOpacity: 0.08, className: "precinct",
      } }).addTo(result);
    }
    (data.posts || []).forEach(function (post, i) {
      // From the resident's own point, then along the streets from the nearest node.
      const line = [[data.lat, data.lon]].concat(post.route.coordinates.map(function (c) {
        return [c[1], c[0]];
      }));
      L.polyline(line, { color: i === 0 ? "#2e7d32" : "#7cb342", weight: i === 0 ? 5 : 3,
                         className: "route", interactive: false }).addTo(result);
    });
    (data.posts || []).forEach(function (post) {
      marker(post.lon, post.lat, cfg.labels.post + ": " + post.name, "#1f5fa8", "post")
        .addTo(result);
    });
    marker(data.lon, data.lat, cfg.labels.you, "#c62828", "you").addTo(result);
    // The resident and his posts, not the whole precinct: that is what he came for.
    const points = [[data.lat, data.lon]].concat((data.posts || []).map(function (p) {
      return [p.lat, p.lon];
    }));
    precinctBasemap.zoomTo(map, points);
  }

  function locateAt(lon, lat) {
    const url = cfg.resultUrl + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6);
    htmx.ajax("GET", url, { target: "#result", swap: "innerHTML" });
  }

  function resultData() {
    const node = document.getElementById("locate-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  map.on("click", function (e) { locateAt(e.latlng.lng, e.latlng.lat); });

  // Enter with exactly one exact address locates it at once; otherwise the resident chooses.
  form.addEventListener("submit", function (e) { e.preventDefault(); enterPressed = true; });

  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "result") {
      const data = resultData();
      if (data) draw(data);
    } else if (e.detail.target === candidates && enterPressed) {
      enterPressed = false;
      const exact = candidates.querySelectorAll("button[data-exact='true']");
      // Not .click(): htmx binds the new buttons only after this event, when they settle.
      if (exact.length === 1) locateAt(Number(exact[0].dataset.lon), Number(exact[0].dataset.lat));
    }
  });
})();
