/* The precinct's map on its neighbourhood page (Leaflet, offline base map from
 * basemap.js): the boundary and the posts, zoomed to the precinct. */
(function () {
  "use strict";

  const el = document.getElementById("map");
  if (!el) return;
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const data = JSON.parse(document.getElementById("nb-map-data").textContent);
  const map = precinctBasemap.create(el, cfg);
  const drawn = L.featureGroup().addTo(map);

  if (data.boundary) {
    L.geoJSON(data.boundary, { interactive: false, style: {
      color: "#1f5fa8", weight: 2, fillColor: "#1f5fa8", fillOpacity: 0.06, className: "precinct",
    } }).addTo(drawn);
  }
  (data.posts || []).forEach(function (post) {
    L.circleMarker([post.lat, post.lon], {
      radius: 8, color: "#ffffff", weight: 2, fillOpacity: 1, className: "post",
      fillColor: post.state === "open" ? "#1f5fa8" : "#8a94a0",
    }).bindTooltip(cfg.labels.post + ": " + post.name).addTo(drawn);
  });
  if (drawn.getLayers().length) precinctBasemap.zoomTo(map, drawn);
})();
