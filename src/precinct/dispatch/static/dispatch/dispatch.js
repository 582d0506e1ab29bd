/* 102 pages: the console's keyboard helpers and the offline Leaflet map (basemap.js).
 *
 * Console: picking an address or clicking the map fills in the coordinates; choosing a
 * category preselects its default priority; Ctrl+Enter registers the call.
 * Incident page: the incident and the ranked units. Measures: median response by precinct.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const el = document.getElementById("map");
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const place = document.getElementById("id_place");
  const map = precinctBasemap.create(el, cfg);
  const overlay = L.featureGroup().addTo(map);
  let chosen = null;

  function marker(p, name, color, radius, className) {
    const m = L.circleMarker([p.lat, p.lon], { radius: radius, color: "#ffffff", weight: 2,
                                               fillColor: color, fillOpacity: 1,
                                               className: className });
    if (p.label) m.bindTooltip(p.label, { permanent: true, direction: "right" });
    else m.bindTooltip(name);
    return m;
  }

  // Green (short median) through yellow to red (long), as the table's figures read.
  const FAST_TO_SLOW = ["#1a9850", "#fee08b", "#d73027"];

  function mix(a, b, t) {
    const x = parseInt(a.slice(1), 16), y = parseInt(b.slice(1), 16);
    const c = [16, 8, 0].map(function (s) {
      return Math.round(((x >> s) & 255) * (1 - t) + ((y >> s) & 255) * t);
    });
    return "#" + c.map(function (v) { return v.toString(16).padStart(2, "0"); }).join("");
  }

  function colour(value, lo, hi) {
    const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
    return t < 0.5 ? mix(FAST_TO_SLOW[0], FAST_TO_SLOW[1], t * 2)
                   : mix(FAST_TO_SLOW[1], FAST_TO_SLOW[2], (t - 0.5) * 2);
  }

  // Measures: precincts coloured by median response; grey where too few responses to show.
  function drawAreas() {
    const L_ = cfg.labels;
    const stats = {};
    cfg.areaStats.forEach(function (s) { stats[s.id] = s; });
    const medians = cfg.areaStats.map(function (s) { return s.p50; })
      .filter(function (v) { return v !== null; });
    const lo = Math.min.apply(null, medians), hi = Math.max.apply(null, medians);
    function dash(v, unit) { return v === null ? "—" : v + unit; }
    const areas = L.geoJSON(cfg.areas, {
      filter: function (f) { return stats[f.id] !== undefined; },
      style: function (f) {
        const s = stats[f.id];
        return { color: "#ffffff", weight: 1, fillOpacity: 0.7, className: "area",
                 fillColor: s.p50 === null ? "#c9cdd3" : colour(s.p50, lo, hi) };
      },
      onEachFeature: function (f, layer) {
        const s = stats[f.id];
        const lines = s.p50 === null ? [L_.tooFew]
          : [L_.median + ": " + s.p50, L_.p90 + ": " + dash(s.p90, ""),
             L_.within + ": " + dash(s.within, " %")];
        const tip = document.createElement("div");
        const title = document.createElement("b");
        title.textContent = s.name;
        tip.appendChild(title);
        [L_.calls + ": " + s.calls].concat(lines).forEach(function (text) {
          tip.appendChild(document.createElement("br"));
          tip.appendChild(document.createTextNode(text));
        });
        layer.bindTooltip(tip, { sticky: true });
      },
    }).addTo(overlay);
    // For tests and for anyone reading the DOM: which precinct each shape is, and its median.
    areas.eachLayer(function (layer) {
      const path = layer.getElement && layer.getElement();
      if (!path) return;
      path.dataset.precinct = layer.feature.id;
      path.dataset.median = stats[layer.feature.id].p50 === null ? "" : stats[layer.feature.id].p50;
    });
    if (medians.length) areaLegend(lo, hi);
  }

  function areaLegend(lo, hi) {
    const control = L.control({ position: "topright" });
    control.onAdd = function () {
      const div = L.DomUtil.create("div", "map-legend");
      div.appendChild(document.createTextNode(cfg.labels.median));
      [[lo, colour(lo, lo, hi)], [hi, colour(hi, lo, hi)], [null, "#c9cdd3"]].forEach(function (row) {
        const item = L.DomUtil.create("div", "", div);
        L.DomUtil.create("span", "swatch", item).style.background = row[1];
        item.appendChild(document.createTextNode(row[0] === null ? cfg.labels.tooFew : row[0]));
      });
      return div;
    };
    control.addTo(map);
  }

  function draw() {
    overlay.clearLayers();
    const points = cfg.points || [];
    points.forEach(function (p) {
      const car = p.kind === "car";
      marker(p, car ? cfg.labels.car : cfg.labels.foot, car ? "#1f5fa8" : "#2e7d32",
             car ? 7 : 6, "unit unit-" + p.kind).addTo(overlay);
    });
    const here = chosen || cfg.incident;
    if (here) {
      marker({ lon: here.lon, lat: here.lat }, cfg.labels.incident, "#c62828", 9, "incident")
        .addTo(overlay);
      const around = points.map(function (p) { return [p.lat, p.lon]; });
      // The incident and its nearest units; a click on the console only recentres.
      if (chosen) map.setView([here.lat, here.lon], Math.max(map.getZoom(), 15));
      else precinctBasemap.zoomTo(map, [[here.lat, here.lon]].concat(around.slice(0, 3)));
    }
  }

  function choose(x, y, label) {
    if (lat && lon) { lat.value = y.toFixed(6); lon.value = x.toFixed(6); }
    if (label && place) place.value = label;
    chosen = { lon: x, lat: y };
    draw();
  }

  if (cfg.clickable) map.on("click", function (e) { choose(e.latlng.lng, e.latlng.lat, null); });

  const intake = document.getElementById("intake");
  if (intake) {
    const priorities = JSON.parse(document.getElementById("category-priorities").textContent);
    const category = document.getElementById("id_category");
    const priority = document.getElementById("id_priority");
    category.addEventListener("change", function () {
      priority.value = String(priorities[category.value] || "");
    });
    document.getElementById("places").addEventListener("click", function (e) {
      const button = e.target.closest("button.place");
      if (button) choose(Number(button.dataset.lon), Number(button.dataset.lat), button.dataset.label);
    });
    intake.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); intake.requestSubmit(); }
    });
    if (lat.value && lon.value) chosen = { lon: Number(lon.value), lat: Number(lat.value) };
  }
  if (cfg.areas) drawAreas();
  else draw();
  document.body.dataset.dispatchReady = "1";  // for tests and impatient keyboards alike
})();
