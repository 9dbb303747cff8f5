// The one map component: every map in Rasad is a <div data-rasad-map> with data attributes
// (templates include web/includes/map.html, which sets them with translated legend texts).
//   data-provinces  URL of the offline province GeoJSON (always drawn; there is no tile server)
//   data-points     URL of a GeoJSON FeatureCollection of points (properties: name, url, an
//                   optional colour, and approximate: true for an item drawn at its
//                   organization's location); el.rasadRefreshPoints() fetches and draws them again
//   data-fit        "points" to zoom to the points (once) instead of the whole country
//   data-cluster    cluster nearby points (needs vendor/leaflet.markercluster); a cluster takes
//                   the colour of its point with the highest "rank" property (the worst status)
//                   and shows its count in the reader's digits
//   data-legend-rows JSON [{"colour": "#…", "label": "…"}]: the legend of the points (instead
//                   of the exact/approximate pair)
//   data-choropleth URL of {"values": {province: number}, "display": {province: "۱۲٫۳ …"},
//                   "label": "..."} to colour provinces
// Every map gets a legend; province names show on hover (and, on the pages, in the table
// beside the map).
(function () {
  "use strict";
  var SHADES = ["#e0f2f1", "#a7d7d3", "#6bb8b3", "#2f8f8c", "#0b5563"];
  var NO_DATA = "#e9ecef";
  function fetchJson(url) { return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }
  function shade(value, min, max) {
    if (value === undefined || value === null) { return NO_DATA; }
    var t = max > min ? (value - min) / (max - min) : 0.5;
    return SHADES[Math.min(SHADES.length - 1, Math.floor(t * SHADES.length))];
  }
  function escapeHtml(text) {
    var div = document.createElement("div"); div.textContent = text; return div.innerHTML;
  }
  function legend(map, el, rows) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      box.setAttribute("data-testid", "map-legend");
      var html = '<div class="map-legend-title">' + escapeHtml(el.dataset.legendTitle || "") + "</div>";
      rows.forEach(function (row) {
        html += '<div class="map-legend-row"><span class="map-legend-swatch ' + (row.css || "") + '" style="' +
          (row.colour ? "background:" + row.colour : "") + '"></span> ' + escapeHtml(row.label) + "</div>";
      });
      box.innerHTML = html;
      return box;
    };
    control.addTo(map);
  }
  function clusterIcon(cluster) {
    var worst = null;
    cluster.getAllChildMarkers().forEach(function (m) {
      var p = (m.feature && m.feature.properties) || {};
      if (worst === null || (p.rank || 0) > (worst.rank || 0)) { worst = p; }
    });
    var count = cluster.getChildCount();
    var digits = document.documentElement.dataset.persianDigits === "1" ? "fa-IR" : "en-US";
    var size = count < 10 ? 32 : count < 100 ? 38 : 44;
    return L.divIcon({
      className: "map-cluster",
      iconSize: L.point(size, size),
      html: '<span style="background:' + escapeHtml((worst && worst.colour) || "#6c757d") + '">' +
        escapeHtml(new Intl.NumberFormat(digits).format(count)) + "</span>"
    });
  }
  function init(el) {
    // Clusters need a highest zoom (there is no tile layer to give one): 18, a street.
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, zoomControl: false, maxZoom: el.dataset.cluster !== undefined ? 18 : undefined }).setView([32.5, 54], 5);
    // The zoom buttons' tooltips in the page's language (Leaflet's own are English: "Zoom in").
    var page = document.documentElement.dataset;
    L.control.zoom({ zoomInTitle: page.mapZoomIn || "Zoom in", zoomOutTitle: page.mapZoomOut || "Zoom out" }).addTo(map);
    map.attributionControl.setPrefix("Natural Earth, GeoNames");
    var persian = document.documentElement.lang === "fa";
    var choropleth = el.dataset.choropleth ? fetchJson(el.dataset.choropleth) : Promise.resolve(null);
    Promise.all([fetchJson(el.dataset.provinces), choropleth]).then(function (results) {
      var provinces = results[0], data = results[1];
      var values = (data && data.values) || {}, shown = (data && data.display) || {};
      var codes = Object.keys(values);
      var numbers = codes.map(function (k) { return values[k]; });
      var min = Math.min.apply(null, numbers), max = Math.max.apply(null, numbers);
      var layer = L.geoJSON(provinces, {
        style: function (f) {
          return { color: "#6c757d", weight: 1, fillOpacity: 0.7,
                   fillColor: data ? shade(values[f.properties.code], min, max) : "#f1f5f6" };
        },
        onEachFeature: function (f, l) {
          var name = persian ? f.properties.name_fa : f.properties.name_en;
          var code = f.properties.code;
          var text = values[code] !== undefined ? ": " + (shown[code] || String(values[code])) : "";
          l.bindTooltip(escapeHtml(name + text), { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { animate: false });
      if (data) {
        var low = codes.filter(function (k) { return values[k] === min; })[0];
        var high = codes.filter(function (k) { return values[k] === max; })[0];
        var rows = [];
        if (codes.length && min === max) {
          // One value for every shaded province: one swatch in its shade, with the value (not
          // "lowest: 1, highest: 1").
          rows.push({ colour: shade(min, min, max), label: String(shown[low] || min) });
        } else if (codes.length) {
          rows.push({ colour: SHADES[0], label: (el.dataset.legendLow || "") + (low ? ": " + (shown[low] || min) : "") });
          rows.push({ colour: SHADES[SHADES.length - 1], label: (el.dataset.legendHigh || "") + (high ? ": " + (shown[high] || max) : "") });
        }
        rows.push({ colour: NO_DATA, label: el.dataset.legendNone || "" });
        if (data.label) { el.dataset.legendTitle = data.label; }
        legend(map, el, rows);
      }
      el.dataset.ready = "provinces";
      if (el.dataset.points) {
        var pointLayer = null;
        var clusters = el.dataset.cluster !== undefined && L.markerClusterGroup ? L.markerClusterGroup({
          showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
          iconCreateFunction: clusterIcon
        }).addTo(map) : null;
        var drawPoints = function () {
          return fetchJson(el.dataset.points).then(function (points) {
          if (pointLayer && !clusters) { map.removeLayer(pointLayer); }
          if (clusters) { clusters.clearLayers(); }
          var approximate = 0;
          pointLayer = L.geoJSON(points, {
            pointToLayer: function (f, latlng) {
              var fill = f.properties.colour || "#c0392b";
              if (f.properties.approximate) {
                approximate += 1;
                return L.circleMarker(latlng, { radius: 6, color: fill, weight: 2, dashArray: "2 2", fillColor: "#fff", fillOpacity: 0.9 });
              }
              return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 1.5, fillColor: fill, fillOpacity: 0.9 });
            },
            onEachFeature: function (f, l) {
              var note = f.properties.approximate ? '<div class="small text-muted">' + escapeHtml(el.dataset.approximateNote || "") + "</div>" : "";
              l.bindPopup('<a href="' + encodeURI(f.properties.url) + '">' + escapeHtml(f.properties.name) + "</a>" + note);
              l.feature = f;
            }
          });
          if (clusters) { clusters.addLayer(pointLayer); } else { pointLayer.addTo(map); }
          if (!data && !el.dataset.legendDrawn) {
            var rows = [{ colour: "#c0392b", label: el.dataset.legendExact || "" }];
            if (approximate) { rows.push({ css: "map-legend-approximate", label: el.dataset.legendApproximate || "" }); }
            if (el.dataset.legendRows) { rows = JSON.parse(el.dataset.legendRows); }
            legend(map, el, rows);
            el.dataset.legendDrawn = "1";
          }
          if (el.dataset.fit === "points" && points.features.length && !el.dataset.fitted) {
            map.fitBounds(pointLayer.getBounds(), { maxZoom: 7, padding: [30, 30], animate: false });
            el.dataset.fitted = "1";
          }
          el.dataset.ready = "points";
          el.dataset.pointCount = String(points.features.length);
          el.dataset.approximateCount = String(approximate);
          });
        };
        el.rasadRefreshPoints = drawPoints;
        return drawPoints();
      }
    });
  }
  document.querySelectorAll("[data-rasad-map]").forEach(init);
})();
