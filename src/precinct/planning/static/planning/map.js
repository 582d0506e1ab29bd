/* Planning maps (coverage and siting scenarios) on the offline Leaflet base map.
 *
 * The server sends residents already aggregated per street node (never persons), the
 * walking area as GeoJSON, the posts and, on a scenario page, the proposed sites. Residents
 * are many points: they go on a canvas; posts and sites stay SVG (one element each).
 */
(function () {
  "use strict";

  const cfgNode = document.getElementById("map-config");
  const el = document.getElementById("map");
  if (!cfgNode || !el) return;
  const cfg = JSON.parse(cfgNode.textContent);
  const L_ = cfg.labels;
  const POST_COLOURS = { open: "#1f5fa8", building: "#b26a00", planned: "#8e24aa" };
  const map = precinctBasemap.create(el, cfg);
  const canvas = L.canvas({ padding: 0.2 });
  const coverage = L.featureGroup().addTo(map);
  const sitesLayer = L.featureGroup().addTo(map);
  let zoomed = false;

  function residents(points, name, colour) {
    points.lon.forEach(function (lon, i) {
      const r = points.residents[i];
      L.circleMarker([points.lat[i], lon], {
        renderer: canvas, radius: Math.max(2, Math.min(8, Math.sqrt(r) / 4)), stroke: false,
        fillColor: colour, fillOpacity: 0.6,
      }).bindTooltip(Math.round(r) + " " + L_.residents + " · " + name).addTo(coverage);
    });
  }

  function drawCoverage(data) {
    coverage.clearLayers();
    if (data.isochrone) {
      L.geoJSON(data.isochrone, { interactive: false, style: {
        stroke: false, fillColor: "#2e7d32", fillOpacity: 0.15, className: "walking-area",
      } }).addTo(coverage);
    }
    residents(data.points.uncovered, L_.uncovered, "#c62828");
    residents(data.points.covered, L_.covered, "#2e7d32");
    ["open", "building", "planned"].forEach(function (state) {
      if (state !== "open" && !data.what_if && !cfg.showAllPosts) return;
      data.posts.filter(function (p) { return p.state === state; }).forEach(function (p) {
        L.circleMarker([p.lat, p.lon], { radius: 5, color: "#ffffff", weight: 1.5,
                                         fillColor: POST_COLOURS[state], fillOpacity: 1,
                                         className: "post post-" + state })
          .bindTooltip(p.name + " · " + L_[state]).addTo(coverage);
      });
    });
    el.dataset.residentPoints = String(data.points.uncovered.lon.length +
                                       data.points.covered.lon.length);
  }

  function drawSites(sites) {
    sitesLayer.clearLayers();
    (sites || []).forEach(function (s, i) {
      L.circleMarker([s.lat, s.lon], { radius: 9, color: "#ffffff", weight: 2,
                                       fillColor: "#ff6f00", fillOpacity: 1, className: "site" })
        .bindTooltip(String(i + 1), { permanent: true, direction: "right", className: "site-label" })
        .bindPopup(L_.chosen + " " + (i + 1) + ": +" + s.residents_new + " " + L_.residents)
        .addTo(sitesLayer);
    });
    if (!zoomed && sitesLayer.getLayers().length) {
      zoomed = true;
      precinctBasemap.zoomTo(map, sitesLayer);
    }
  }

  function legend() {
    const control = L.control({ position: "topright" });
    control.onAdd = function () {
      const div = L.DomUtil.create("div", "map-legend");
      const rows = [["#2e7d32", L_.covered], ["#c62828", L_.uncovered], ["#1f5fa8", L_.open]];
      if (cfg.resultUrl && /what_if=1/.test(cfg.resultUrl)) {
        rows.push([POST_COLOURS.building, L_.building], [POST_COLOURS.planned, L_.planned]);
      }
      if (document.getElementById("sites-data")) rows.push(["#ff6f00", L_.chosen]);
      rows.forEach(function (row) {
        const item = L.DomUtil.create("div", "", div);
        const swatch = L.DomUtil.create("span", "swatch", item);
        swatch.style.background = row[0];
        item.appendChild(document.createTextNode(row[1]));
      });
      return div;
    };
    control.addTo(map);
  }

  function sitesData() {
    const node = document.getElementById("sites-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  legend();
  drawSites(sitesData());
  if (cfg.resultUrl) {
    fetch(cfg.resultUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) {
          drawCoverage(data);
          if (!zoomed && data.isochrone) { zoomed = true; precinctBasemap.zoomTo(map, coverage); }
        }
        el.dataset.loaded = data ? "true" : "error";
      })
      .catch(function () { el.dataset.loaded = "error"; });
  }
  // The scenario page swaps its result in by htmx when the job finishes: redraw the sites.
  document.body.addEventListener("htmx:afterSwap", function () { drawSites(sitesData()); });
})();
