/* The offline base map of every map page (locate, appeal pin, planning, 102), on Leaflet.
 *
 * Deployments may have no internet, so the streets (with their names) and the buildings
 * come from the server's own tiles of the imported OSM extract (cfg.basemapUrl, see
 * territory/mapdata.py): small GeoJSON tiles drawn as vector layers, names written along
 * the streets (leaflet.textpath). When a raster tile server is configured (cfg.tileUrl) it
 * is drawn instead. Residents get pan and zoom only: Leaflet has no selection tools.
 * Loaded after leaflet.js and before the page's own script.
 */
window.precinctBasemap = (function () {
  "use strict";

  const ATTRIBUTION = "© OpenStreetMap contributors (ODbL)";
  // Width in pixels at zoom 16 and colour of each road class; footways are thinner.
  const MAJOR = { width: 7, color: "#f4c35a" };
  const MIDDLE = { width: 6, color: "#ffffff" };
  const STREET = { width: 4.5, color: "#ffffff" };
  const MINOR = { width: 2, color: "#ffffff" };
  const ROADS = {
    motorway: MAJOR, trunk: MAJOR, primary: MAJOR, secondary: MAJOR,
    motorway_link: MAJOR, trunk_link: MAJOR, primary_link: MAJOR, secondary_link: MAJOR,
    tertiary: MIDDLE, tertiary_link: MIDDLE,
    residential: STREET, unclassified: STREET, living_street: STREET, road: STREET,
    pedestrian: STREET,
  };
  const LABEL = { "font-size": "11", fill: "#333333", stroke: "#ffffff", "stroke-width": "3",
                  "paint-order": "stroke", "font-family": "sans-serif" };
  const LABEL_CHAR_PX = 6.5;  // about the width of one letter of an 11-px label

  // Vector tiles of streets and buildings. Each 512-px tile holds its own Leaflet layers,
  // added when the tile loads and removed when Leaflet unloads the tile.
  const VectorTiles = L.GridLayer.extend({
    initialize: function (url, options) {
      this._url = url;
      this._drawn = {};
      L.GridLayer.prototype.initialize.call(this, options);
      this.on("tileunload", function (e) { this._forget(this._tileCoordsToKey(e.coords)); });
    },

    onAdd: function (map) {
      this._renderers = {
        buildings: L.canvas({ pane: "basemapBuildings" }),
        streets: L.canvas({ pane: "basemapStreets", padding: 0.2 }),
        labels: L.svg({ pane: "basemapLabels" }),
      };
      L.GridLayer.prototype.onAdd.call(this, map);
    },

    onRemove: function (map) {
      Object.keys(this._drawn).forEach(this._forget, this);
      L.GridLayer.prototype.onRemove.call(this, map);
    },

    createTile: function (coords, done) {
      const tile = document.createElement("div");
      const key = this._tileCoordsToKey(coords);
      // Leaflet counts 512-px tiles at zoom z on a grid of 2^(z-1): the server's z - 1.
      const url = this._url.replace("{z}", coords.z - 1).replace("{x}", coords.x)
        .replace("{y}", coords.y);
      const self = this;
      fetch(url)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && self._map && self._tiles[key]) self._draw(key, data, coords.z);
          done(null, tile);
        })
        .catch(function (err) { done(err, tile); });
      return tile;
    },

    _draw: function (key, data, zoom) {
      // Roads narrow more slowly than the map shrinks, so the city view keeps its streets.
      const scale = Math.pow(2, (zoom - 16) / 2);
      const r = this._renderers;
      const buildings = data.features.filter(function (f) { return f.properties.b; });
      const streets = data.features.filter(function (f) { return !f.properties.b; });
      const layers = [
        L.geoJSON(buildings, { renderer: r.buildings, interactive: false, style: {
          stroke: true, color: "#c9bfb3", weight: 0.5, fillColor: "#d9d0c6", fillOpacity: 1,
        } }),
        L.geoJSON(streets, { renderer: r.streets, interactive: false, style: function (f) {
          const road = ROADS[f.properties.k] || MINOR;
          return { color: road.color, weight: Math.max(1, road.width * scale),
                   lineCap: "round", lineJoin: "round", opacity: 1 };
        } }),
      ];
      layers.push(this._labels(streets));
      layers.forEach(function (layer) { layer.addTo(this._map); }, this);
      this._drawn[key] = layers;
    },

    // Each name once per tile, along its longest piece if that is long enough to hold it
    // (a dual carriageway is two ways with one name: one label is enough).
    _labels: function (streets) {
      const map = this._map;
      const longest = {};
      streets.forEach(function (f) {
        const name = f.properties.n;
        if (!name || f.geometry.type !== "LineString") return;
        const latlngs = f.geometry.coordinates.map(function (c) { return L.latLng(c[1], c[0]); });
        let px = 0;
        for (let i = 1; i < latlngs.length; i++) {
          px += map.project(latlngs[i]).distanceTo(map.project(latlngs[i - 1]));
        }
        if (px >= name.length * LABEL_CHAR_PX + 16 && (!longest[name] || longest[name].px < px)) {
          longest[name] = { px: px, latlngs: latlngs };
        }
      });
      const group = L.layerGroup();
      Object.keys(longest).forEach(function (name) {
        const line = L.polyline(longest[name].latlngs, {
          renderer: this._renderers.labels, interactive: false, opacity: 0, weight: 1,
        });
        group.addLayer(line);
        line.setText(name, { center: true, offset: 4, attributes: LABEL });
      }, this);
      return group;
    },

    _forget: function (key) {
      (this._drawn[key] || []).forEach(function (layer) { layer.remove(); });
      delete this._drawn[key];
    },
  });

  function addPanes(map) {
    // Under Leaflet's overlay pane (z-index 400): buildings, then streets, then names.
    [["basemapBuildings", 210], ["basemapStreets", 220], ["basemapLabels", 230]]
      .forEach(function (p) {
        const pane = map.createPane(p[0]);
        pane.style.zIndex = p[1];
        pane.style.pointerEvents = "none";
      });
  }

  // A Leaflet map on ``el`` with the base layer; ``options`` go to L.map (e.g. preferCanvas).
  function create(el, cfg, options) {
    // The page prints the translated OSM attribution under every map; a configured tile
    // server's own attribution goes in Leaflet's control.
    const opts = Object.assign({ zoomControl: true, attributionControl: !!cfg.tileUrl,
                                 maxZoom: 19, minZoom: 9 }, options || {});
    // Leaflet's own zoom buttons are titled in English: ours carry the page's language.
    const zoomButtons = opts.zoomControl;
    opts.zoomControl = false;
    const map = L.map(el, opts);
    if (zoomButtons) {
      L.control.zoom({ zoomInTitle: cfg.zoomInTitle || "+", zoomOutTitle: cfg.zoomOutTitle || "−" })
        .addTo(map);
    }
    if (cfg.tileUrl) map.attributionControl.setPrefix(false);
    addPanes(map);
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || ATTRIBUTION,
                                 maxZoom: 19 }).addTo(map);
    } else {
      new VectorTiles(cfg.basemapUrl, {
        tileSize: 512, minZoom: 10, maxNativeZoom: cfg.maxTileZoom + 1,
        updateWhenZooming: false, keepBuffer: 1,
      }).on("loading", function () { el.dataset.basemap = "loading"; })
        .on("load", function () { el.dataset.basemap = "loaded"; })  // every visible tile drawn
        .addTo(map);
    }
    if (cfg.bounds) {
      map.fitBounds([[cfg.bounds[1], cfg.bounds[0]], [cfg.bounds[3], cfg.bounds[2]]]);
    } else {
      map.setView([cfg.center.lat, cfg.center.lon], cfg.zoom);
    }
    // For tests and the benchmark: the map exists, and its zoom.
    map.on("zoomend", function () { el.dataset.zoom = String(map.getZoom()); });
    el.dataset.zoom = String(map.getZoom());
    el.dataset.ready = "1";
    return map;
  }

  // Zoom to what a page just drew (a layer or a list of [lat, lon]), never closer than 16.
  function zoomTo(map, what) {
    const bounds = what.getBounds ? what.getBounds() : L.latLngBounds(what);
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16 });
  }

  return { create: create, zoomTo: zoomTo };
})();
