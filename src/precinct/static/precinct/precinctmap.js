/* A precinct's map (Leaflet, offline base map from basemap.js): its boundary and its
 * posts, zoomed to the precinct. Shared by the neighbourhood page and the workspace, which
 * call precinctMap.draw with the id of their JSON data ({boundary, posts}); the map's
 * settings are in #map-config. Loaded after basemap.js and before the page's own script.
 */
window.precinctMap = (function () {
  "use strict";

  function draw(dataId) {
    const el = document.getElementById("map");
    if (!el) return null;
    const cfg = JSON.parse(document.getElementById("map-config").textContent);
    const data = JSON.parse(document.getElementById(dataId).textContent);
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
    return map;
  }

  return { draw: draw };
})();
