/* The appeal form's map: a click drops a pin and fills the latitude and longitude fields.
 *
 * Same offline Leaflet map as the locate page (basemap.js); the fields stay visible and
 * editable, so the form works without the map too, and typing in them moves the pin.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const el = document.getElementById("pin-map");
  const latField = document.getElementById("lat");
  const lonField = document.getElementById("lon");
  const map = precinctBasemap.create(el, cfg);
  let pin = null;

  function current() {
    const lat = parseFloat(latField.value), lon = parseFloat(lonField.value);
    return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
  }

  function draw(zoom) {
    const point = current();
    if (pin) pin.remove();
    pin = null;
    if (!point) return;
    pin = L.circleMarker(point, { radius: 8, color: "#ffffff", weight: 2, fillColor: "#c0392b",
                                  fillOpacity: 1, className: "pin", interactive: false }).addTo(map);
    if (zoom) map.setView(point, Math.max(map.getZoom(), 16));
  }

  map.on("click", function (e) {
    latField.value = e.latlng.lat.toFixed(6);
    lonField.value = e.latlng.lng.toFixed(6);
    draw(false);
  });
  latField.addEventListener("change", function () { draw(true); });
  lonField.addEventListener("change", function () { draw(true); });
  draw(true);
})();
