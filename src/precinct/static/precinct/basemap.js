/* The offline base map of every Plotly map page (locate, appeal pin, planning, 102).
 *
 * Deployments may have no internet, so the map style is a plain background and the
 * streets are drawn from the server's own GeoJSON of the road network (cfg.networkUrl,
 * see territory/mapdata.py); a tile server is added underneath only when one is
 * configured (cfg.tileUrl). Loaded before the page's own script.
 */
window.precinctBasemap = (function () {
  "use strict";

  const style = {
    version: 8, sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#f3f1ec" } }],
  };

  // The layers under a page's traces: tiles if configured, then the streets.
  function layers(cfg, streetColour) {
    const out = [];
    if (cfg.tileUrl) {
      out.push({ sourcetype: "raster", source: [cfg.tileUrl], below: "traces",
                 sourceattribution: cfg.tileAttribution });
    }
    out.push({ sourcetype: "geojson", source: cfg.networkUrl, type: "line", below: "traces",
               color: streetColour || "#a3acb8", line: { width: 1 } });
    return out;
  }

  return { style: style, layers: layers };
})();
