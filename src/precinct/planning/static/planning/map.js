/* Planning maps (coverage and siting scenarios): Plotly scattermap with no remote sources.
 *
 * Like the locate map, the base is an inline background style plus the imported OSM
 * walking network as a GeoJSON line layer, so it works without internet. The server sends
 * residents already aggregated per street node (never persons), the walking area as
 * GeoJSON, the posts and, on a scenario page, the proposed sites.
 */
(function () {
  "use strict";

  const cfgNode = document.getElementById("map-config");
  const gd = document.getElementById("map");
  if (!cfgNode || !gd) return;
  const cfg = JSON.parse(cfgNode.textContent);
  const L = cfg.labels;
  const POST_COLOURS = { open: "#1f5fa8", building: "#b26a00", planned: "#8e24aa" };

  function layers(data) {
    const out = precinctBasemap.layers(cfg, "#c3c9d1");
    if (data && data.isochrone) {
      const f = { type: "Feature", properties: {}, geometry: data.isochrone };
      out.push({ sourcetype: "geojson", source: f, type: "fill", below: "traces",
                 color: "rgba(46, 125, 50, 0.15)" });
    }
    return out;
  }

  function residents(points, name, colour) {
    const size = points.residents.map(function (r) { return Math.max(3, Math.min(12, Math.sqrt(r) / 3)); });
    return {
      type: "scattermap", mode: "markers", name: name, lon: points.lon, lat: points.lat,
      marker: { size: size, color: colour, opacity: 0.6 }, text: points.residents,
      hovertemplate: "%{text} " + L.residents + "<extra>" + name + "</extra>",
    };
  }

  function traces(data, sites) {
    const out = [];
    if (data) {
      out.push(residents(data.points.uncovered, L.uncovered, "#c62828"));
      out.push(residents(data.points.covered, L.covered, "#2e7d32"));
      ["open", "building", "planned"].forEach(function (state) {
        const posts = data.posts.filter(function (p) { return p.state === state; });
        if (!posts.length || (state !== "open" && !data.what_if && !cfg.showAllPosts)) return;
        out.push({
          type: "scattermap", mode: "markers", name: L[state],
          lon: posts.map(function (p) { return p.lon; }), lat: posts.map(function (p) { return p.lat; }),
          text: posts.map(function (p) { return p.name; }),
          marker: { size: 12, color: POST_COLOURS[state] },
          hovertemplate: "%{text}<extra>" + L[state] + "</extra>",
        });
      });
    }
    if (sites && sites.length) {
      out.push({
        type: "scattermap", mode: "markers+text", name: L.chosen,
        lon: sites.map(function (s) { return s.lon; }), lat: sites.map(function (s) { return s.lat; }),
        text: sites.map(function (s, i) { return String(i + 1); }), textposition: "top right",
        customdata: sites.map(function (s) { return s.residents_new; }),
        marker: { size: 16, color: "#ff6f00" },
        hovertemplate: L.chosen + " %{text}: +%{customdata} " + L.residents + "<extra></extra>",
      });
    }
    if (!out.length) out.push({ type: "scattermap", lon: [cfg.center.lon], lat: [cfg.center.lat],
                                mode: "markers", marker: { size: 1, color: "rgba(0,0,0,0)" } });
    return out;
  }

  function draw(data, sites) {
    const layout = {
      map: { style: precinctBasemap.style, center: cfg.center, zoom: cfg.zoom, layers: layers(data) },
      margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: true,
      legend: { x: 0, y: 1, bgcolor: "rgba(255,255,255,0.85)" }, uirevision: "planning",
    };
    return Plotly.react(gd, traces(data, sites), layout,
                        { responsive: true, displaylogo: false, scrollZoom: true });
  }

  function sitesData() {
    const node = document.getElementById("sites-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  let last = null;
  function refresh() {
    draw(last, sitesData());
  }
  draw(null, sitesData());
  if (cfg.resultUrl) {
    fetch(cfg.resultUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { last = data; gd.dataset.loaded = "true"; refresh(); })
      .catch(function () { gd.dataset.loaded = "error"; });
  }
  // The scenario page swaps its result in by htmx when the job finishes: redraw the sites.
  document.body.addEventListener("htmx:afterSwap", refresh);
})();
