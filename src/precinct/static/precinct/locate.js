/* The "find my inspector" map: Plotly scattermap (MapLibre) with no remote sources.
 *
 * The base map is an inline MapLibre style with only a background colour; the streets are
 * the imported OSM walking network served by /territory/network.geojson, so the page works
 * without internet. A raster tile layer is added below only when the server configures one.
 * The result panel is rendered by the server (htmx); this file only draws what it says.
 */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const gd = document.getElementById("map");
  const form = document.getElementById("address-form");
  const candidates = document.getElementById("candidates");
  let enterPressed = false;
  let boundMap = null;

  function precinctLayers(boundary) {
    if (!boundary) return [];
    const feature = { type: "Feature", properties: {}, geometry: boundary };
    return [
      { sourcetype: "geojson", source: feature, type: "fill", below: "traces",
        color: "rgba(31, 95, 168, 0.12)" },
      { sourcetype: "geojson", source: feature, type: "line", below: "traces",
        color: "#1f5fa8", line: { width: 2 } },
    ];
  }

  function point(lon, lat, name, color, size) {
    return {
      type: "scattermap", mode: "markers", lon: [lon], lat: [lat], name: name,
      marker: { size: size, color: color }, hovertemplate: name + "<extra></extra>",
    };
  }

  function traces(data) {
    const out = [];
    if (!data) return [point(cfg.center.lon, cfg.center.lat, "", "rgba(0,0,0,0)", 1)];
    (data.posts || []).forEach(function (post, i) {
      // From the resident's own point, then along the streets from the nearest node.
      const line = [[data.lon, data.lat]].concat(post.route.coordinates);
      out.push({
        type: "scattermap", mode: "lines", name: cfg.labels.route,
        lon: line.map(function (c) { return c[0]; }), lat: line.map(function (c) { return c[1]; }),
        line: { width: i === 0 ? 5 : 3, color: i === 0 ? "#2e7d32" : "#7cb342" },
        hoverinfo: "skip",
      });
    });
    (data.posts || []).forEach(function (post) {
      out.push(point(post.lon, post.lat, cfg.labels.post + ": " + post.name, "#1f5fa8", 14));
    });
    out.push(point(data.lon, data.lat, cfg.labels.you, "#c62828", 14));
    return out;
  }

  function layout(data) {
    const map = { style: precinctBasemap.style, center: cfg.center, zoom: cfg.zoom,
                  layers: precinctBasemap.layers(cfg).concat(precinctLayers(data && data.precinct.boundary)) };
    if (data) {
      map.center = { lon: data.lon, lat: data.lat };
      map.zoom = 15;
    }
    // A new uirevision recentres on a new result; otherwise the resident's pan/zoom stays.
    const revision = data ? data.lon + "," + data.lat : "start";
    return { map: map, margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, uirevision: revision };
  }

  function draw(data) {
    return Plotly.react(gd, traces(data), layout(data), {
      responsive: true, displaylogo: false, scrollZoom: true,
    }).then(bindClicks);
  }

  // plotly_click only reports clicks on trace points. To locate any clicked place we listen
  // to the MapLibre map itself, which plotly.js keeps at gd._fullLayout.map._subplot.map
  // (an internal but stable path in plotly.js v3/v4). Rebind if plotly recreated the map.
  function bindClicks() {
    const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const map = subplot && subplot.map;
    if (!map || map === boundMap) return;
    boundMap = map;
    map.on("click", function (e) { locateAt(e.lngLat.lng, e.lngLat.lat); });
  }

  function locateAt(lon, lat) {
    const url = cfg.resultUrl + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6);
    htmx.ajax("GET", url, { target: "#result", swap: "innerHTML" });
  }

  function resultData() {
    const node = document.getElementById("locate-data");
    return node ? JSON.parse(node.textContent) : null;
  }

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

  draw(null);
})();
