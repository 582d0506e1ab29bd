/* The appeal form's map and its destination preview.
 *
 * A tap on the map drops the pin (or moves it there), the pin can be dragged, and the
 * latitude and longitude fields follow it. Whenever the place changes (pin, address,
 * department) the server says where the appeal would go (#destination, htmx), with the
 * same routing the form's submission uses; an address found as one house is shown on the
 * map, and a street or an unknown house offers choices that put the pin there.
 * Without script the form still works: the fields are editable and the server refuses
 * an address that is not one house.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const el = document.getElementById("pin-map");
  const latField = document.getElementById("lat");
  const lonField = document.getElementById("lon");
  const addressField = document.getElementById("address");
  const departmentField = document.getElementById("department_id");
  const panel = document.getElementById("destination");
  const clearButton = document.getElementById("pin-clear");
  const map = precinctBasemap.create(el, cfg);
  const pin = L.marker([0, 0], {
    draggable: true, autoPan: true, title: cfg.labels.pin, alt: cfg.labels.pin,
    icon: L.divIcon({ className: "pin", iconSize: [22, 22], iconAnchor: [11, 11] }),
  });
  const found = L.circleMarker([0, 0], { radius: 7, color: "#1f5fa8", weight: 3, fillColor: "#ffffff",
                                         fillOpacity: 1, className: "found", interactive: false });
  let timer = null;

  function current() {
    const lat = parseFloat(latField.value), lon = parseFloat(lonField.value);
    return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
  }

  function draw(zoom) {
    const point = current();
    clearButton.hidden = !point;
    if (!point) {
      pin.remove();
      return;
    }
    pin.setLatLng(point).addTo(map);
    if (zoom) map.setView(point, Math.max(map.getZoom(), 16));
  }

  function preview() {
    // Half a point is still being typed: wait for the other half.
    if ((latField.value.trim() === "") !== (lonField.value.trim() === "")) return;
    const params = new URLSearchParams({
      lat: latField.value, lon: lonField.value,
      address: addressField.value, department_id: departmentField.value,
    });
    htmx.ajax("GET", cfg.resultUrl + "?" + params.toString(), { target: "#destination", swap: "innerHTML" });
  }

  function previewSoon() {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }

  function putPin(latlng, zoom) {
    latField.value = latlng.lat.toFixed(6);
    lonField.value = latlng.lng.toFixed(6);
    draw(zoom);
    preview();
  }

  // Where the server placed the appeal: the house it found for the address, on the map.
  function showFound() {
    const node = document.getElementById("destination-data");
    const data = node ? JSON.parse(node.textContent) : null;
    if (data && data.by === "address" && data.lat !== null) {
      found.setLatLng([data.lat, data.lon]).addTo(map);
      if (!current()) map.setView([data.lat, data.lon], Math.max(map.getZoom(), 16));
    } else {
      found.remove();
    }
  }

  map.on("click", function (e) { putPin(e.latlng, false); });
  pin.on("dragend", function () { putPin(pin.getLatLng(), false); });
  [latField, lonField].forEach(function (field) {
    field.addEventListener("change", function () { draw(true); preview(); });
    field.addEventListener("input", previewSoon);
  });
  addressField.addEventListener("input", previewSoon);
  departmentField.addEventListener("change", preview);
  clearButton.addEventListener("click", function () {
    latField.value = "";
    lonField.value = "";
    draw(false);
    preview();
  });
  // A choice offered for an address that is not one house puts the pin there.
  panel.addEventListener("click", function (e) {
    const choice = e.target.closest("button[data-lat]");
    if (choice) putPin(L.latLng(Number(choice.dataset.lat), Number(choice.dataset.lon)), true);
  });
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target === panel) showFound();
  });
  draw(true);
  showFound();
})();
