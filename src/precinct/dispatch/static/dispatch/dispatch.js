/* 102 pages: the console's keyboard helpers and the offline Plotly map (as locate.js).
 *
 * Console: picking an address or clicking the map fills in the coordinates; choosing a
 * category preselects its default priority; Ctrl+Enter registers the call.
 * Incident page: the incident and the ranked units. Measures: median response by precinct.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const gd = document.getElementById("map");
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const place = document.getElementById("id_place");
  let boundMap = null;
  let chosen = null;

  function markers(points, name, color, size, symbolText) {
    return {
      type: "scattermap", mode: "markers+text", name: name,
      lon: points.map(function (p) { return p.lon; }), lat: points.map(function (p) { return p.lat; }),
      text: points.map(function (p) { return symbolText ? p.label : ""; }), textposition: "top right",
      marker: { size: size, color: color },
      hovertemplate: "%{text}<extra>" + name + "</extra>",
    };
  }

  // Green (short median) through yellow to red (long); plotly.js has no such named scale.
  const FAST_TO_SLOW = [[0, "#1a9850"], [0.5, "#fee08b"], [1, "#d73027"]];

  // Measures: one choropleth of precincts coloured by median response, and one in grey
  // for precincts with too few responses to show (no percentiles drawn for them).
  function areaTraces() {
    const L = cfg.labels;
    const stats = cfg.areaStats;
    const shown = stats.filter(function (s) { return s.p50 !== null; });
    const few = stats.filter(function (s) { return s.p50 === null; });
    function dash(v, unit) { return v === null ? "—" : v + unit; }
    function base(rows) {
      return {
        type: "choroplethmap", geojson: cfg.areas,
        locations: rows.map(function (s) { return s.id; }),
        customdata: rows.map(function (s) {
          return [s.name, s.calls, dash(s.p50, ""), dash(s.p90, ""), dash(s.within, " %")];
        }),
        marker: { opacity: 0.7, line: { color: "#ffffff", width: 1 } },
      };
    }
    const measured = Object.assign(base(shown), {
      name: L.median, z: shown.map(function (s) { return s.p50; }),
      colorscale: FAST_TO_SLOW, showscale: true,
      colorbar: { title: { text: L.median } },
      hovertemplate: "<b>%{customdata[0]}</b><br>" + L.calls + ": %{customdata[1]}<br>" +
        L.median + ": %{customdata[2]}<br>" + L.p90 + ": %{customdata[3]}<br>" +
        L.within + ": %{customdata[4]}<extra></extra>",
    });
    const grey = Object.assign(base(few), {
      name: L.tooFew, z: few.map(function () { return 0; }),
      colorscale: [[0, "#c9cdd3"], [1, "#c9cdd3"]], showscale: false,
      hovertemplate: "<b>%{customdata[0]}</b><br>" + L.calls + ": %{customdata[1]}<br>" +
        L.tooFew + "<extra></extra>",
    });
    const out = [measured, grey].filter(function (t) { return t.locations.length; });
    // Plotly draws no map without a trace: an invisible point keeps the streets on screen.
    if (!out.length) out.push(markers([cfg.center], "", "rgba(0,0,0,0)", 1, false));
    return out;
  }

  function traces() {
    if (cfg.areas) return areaTraces();
    const out = [];
    const points = cfg.points || [];
    out.push(markers(points.filter(function (p) { return p.kind === "car"; }), cfg.labels.car, "#1f5fa8", 12, true));
    out.push(markers(points.filter(function (p) { return p.kind === "foot"; }), cfg.labels.foot, "#2e7d32", 10, true));
    const here = chosen || cfg.incident;
    if (here) out.push(markers([{ lon: here.lon, lat: here.lat, label: "" }], cfg.labels.incident, "#c62828", 16, false));
    return out;
  }

  function draw() {
    const here = chosen || cfg.incident;
    const map = { style: precinctBasemap.style, layers: precinctBasemap.layers(cfg),
                  center: here ? { lon: here.lon, lat: here.lat } : cfg.center,
                  zoom: here ? 14 : cfg.zoom };
    return Plotly.react(gd, traces(), {
      map: map, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
      uirevision: here ? here.lon + "," + here.lat : "start",
    }, { responsive: true, displaylogo: false, scrollZoom: true }).then(bindClicks);
  }

  function bindClicks() {
    if (!cfg.clickable) return;
    const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const map = subplot && subplot.map;
    if (!map || map === boundMap) return;
    boundMap = map;
    map.on("click", function (e) { choose(e.lngLat.lng, e.lngLat.lat, null); });
  }

  function choose(x, y, label) {
    if (lat && lon) { lat.value = y.toFixed(6); lon.value = x.toFixed(6); }
    if (label && place) place.value = label;
    chosen = { lon: x, lat: y };
    draw();
  }

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
  // The precinct table: the server sends it worst median first; a header button re-sorts
  // (names A to Z, calls and medians largest first, precincts without a median last).
  const areaTable = document.querySelector("table.areas");
  if (areaTable) {
    areaTable.addEventListener("click", function (e) {
      const button = e.target.closest("button.sort");
      if (!button) return;
      const key = button.dataset.sort;
      const body = areaTable.tBodies[0];
      const rows = Array.from(body.querySelectorAll("tr[data-precinct]"));
      function value(row) {
        const v = row.dataset[key];
        return v === "" ? -Infinity : Number(v);
      }
      rows.sort(function (a, b) {
        if (key === "name") return a.dataset.name.localeCompare(b.dataset.name);
        const x = value(a), y = value(b);
        return x === y ? 0 : (x < y ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      areaTable.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
      button.parentElement.setAttribute("aria-sort", key === "name" ? "ascending" : "descending");
    });
  }
  draw();
  document.body.dataset.dispatchReady = "1";  // for tests and impatient keyboards alike
})();
