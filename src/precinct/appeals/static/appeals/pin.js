/* The appeal form's map: a click drops a pin and fills the latitude and longitude fields.
 *
 * Same offline map as the locate page (the OSM walking network drawn by Plotly/MapLibre);
 * the fields stay visible and editable, so the form works without the map too.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const gd = document.getElementById("pin-map");
  const latField = document.getElementById("lat");
  const lonField = document.getElementById("lon");
  let boundMap = null;

  function current() {
    const lat = parseFloat(latField.value), lon = parseFloat(lonField.value);
    return isNaN(lat) || isNaN(lon) ? null : { lat: lat, lon: lon };
  }

  function draw() {
    const pin = current();
    const trace = {
      type: "scattermap", mode: "markers", hoverinfo: "skip",
      lon: [pin ? pin.lon : cfg.center.lon], lat: [pin ? pin.lat : cfg.center.lat],
      marker: { size: pin ? 14 : 1, color: pin ? "#c0392b" : "rgba(0,0,0,0)" },
    };
    const map = { style: precinctBasemap.style, center: pin || cfg.center, zoom: pin ? 15 : cfg.zoom,
                  layers: precinctBasemap.layers(cfg) };
    return Plotly.react(gd, [trace], {
      map: map, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, uirevision: "pin",
    }, { responsive: true, displaylogo: false, scrollZoom: true }).then(bindClicks);
  }

  // plotly_click only reports clicks on markers: listen to the MapLibre map itself.
  function bindClicks() {
    const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const map = subplot && subplot.map;
    if (!map || map === boundMap) return;
    boundMap = map;
    map.on("click", function (e) {
      latField.value = e.lngLat.lat.toFixed(6);
      lonField.value = e.lngLat.lng.toFixed(6);
      draw();
    });
  }

  latField.addEventListener("change", draw);
  lonField.addEventListener("change", draw);
  draw();
})();
