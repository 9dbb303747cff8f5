// The one map component: every map in Rasad is a <div data-rasad-map> with data attributes.
//   data-provinces  URL of the offline province GeoJSON (always drawn; there is no tile server)
//   data-points     URL of a GeoJSON FeatureCollection of points (properties: name, url, and an
//                   optional colour); el.rasadRefreshPoints() fetches and draws them again
//   data-fit        "points" to zoom to the points (once) instead of the whole country
//   data-choropleth URL of {"values": {province_code: number}, "label": "..."} to colour provinces
(function () {
  "use strict";
  function fetchJson(url) { return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }
  function colour(value, min, max) {
    if (value === undefined || value === null) { return "#e9ecef"; }
    var t = max > min ? (value - min) / (max - min) : 0.5;
    var shades = ["#e0f2f1", "#a7d7d3", "#6bb8b3", "#2f8f8c", "#0b5563"];
    return shades[Math.min(shades.length - 1, Math.floor(t * shades.length))];
  }
  function escapeHtml(text) {
    var div = document.createElement("div"); div.textContent = text; return div.innerHTML;
  }
  function init(el) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true }).setView([32.5, 54], 5);
    map.attributionControl.setPrefix("Natural Earth · GeoNames");
    var choropleth = el.dataset.choropleth ? fetchJson(el.dataset.choropleth) : Promise.resolve(null);
    Promise.all([fetchJson(el.dataset.provinces), choropleth]).then(function (results) {
      var provinces = results[0], values = (results[1] && results[1].values) || {};
      var numbers = Object.keys(values).map(function (k) { return values[k]; });
      var min = Math.min.apply(null, numbers), max = Math.max.apply(null, numbers);
      var layer = L.geoJSON(provinces, {
        style: function (f) {
          return { color: "#6c757d", weight: 1, fillOpacity: 0.7,
                   fillColor: results[1] ? colour(values[f.properties.code], min, max) : "#f1f5f6" };
        },
        onEachFeature: function (f, l) {
          var name = document.documentElement.lang === "fa" ? f.properties.name_fa : f.properties.name_en;
          var v = values[f.properties.code];
          l.bindTooltip(escapeHtml(name) + (v !== undefined ? ": " + escapeHtml(String(v)) : ""));
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.ready = "provinces";
      if (el.dataset.points) {
        var pointLayer = null;
        var drawPoints = function () {
          return fetchJson(el.dataset.points).then(function (points) {
          if (pointLayer) { map.removeLayer(pointLayer); }
          pointLayer = L.geoJSON(points, {
            pointToLayer: function (f, latlng) {
              return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: f.properties.colour || "#c0392b", fillOpacity: 0.9 });
            },
            onEachFeature: function (f, l) {
              l.bindPopup('<a href="' + encodeURI(f.properties.url) + '">' + escapeHtml(f.properties.name) + "</a>");
            }
          }).addTo(map);
          if (el.dataset.fit === "points" && points.features.length && !el.dataset.fitted) {
            map.fitBounds(pointLayer.getBounds(), { maxZoom: 8, padding: [30, 30] });
            el.dataset.fitted = "1";
          }
          el.dataset.ready = "points";
          el.dataset.pointCount = String(points.features.length);
          });
        };
        el.rasadRefreshPoints = drawPoints;
        return drawPoints();
      }
    });
  }
  document.querySelectorAll("[data-rasad-map]").forEach(init);
})();
