/* jumelage maps: Leaflet with the offline world outline, clustered places, partnership lines on a
   canvas. Every text from the atlas is put in the page with textContent, never as HTML. */
(function () {
  "use strict";
  var OUTLINE = "/assets/world.geojson";

  function baseMap(el) {
    var map = L.map(el, {preferCanvas: true, worldCopyJump: true, minZoom: 1, maxZoom: 18});
    map.setView([30, 10], 2);
    fetch(OUTLINE).then(function (r) { return r.json(); }).then(function (world) {
      L.geoJSON(world, {interactive: false, style: {color: "#8a97a5", weight: 0.6, fillColor: "#e8ecef", fillOpacity: 1}})
        .addTo(map).bringToBack();
    }).catch(function () { /* no outline: the markers still show */ });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution || "", maxZoom: 18}).addTo(map);
    }
    return map;
  }

  function popup(name, url, extra) {
    var box = document.createElement("div");
    var a = document.createElement("a");
    a.href = url;
    a.textContent = name;
    box.appendChild(a);
    if (extra) {
      var p = document.createElement("div");
      p.className = "muted";
      p.textContent = extra;
      box.appendChild(p);
    }
    return box;
  }

  function atlasMap(el) {
    var map = baseMap(el);
    var canvas = L.canvas({padding: 0.5});
    var lines = L.layerGroup().addTo(map);
    var chosen = L.layerGroup().addTo(map);
    var cluster = L.markerClusterGroup({chunkedLoading: true});
    map.addLayer(cluster);
    fetch(el.dataset.source).then(function (r) { return r.json(); }).then(function (geo) {
      var byPlace = {}, markers = [], bounds = [];
      geo.features.forEach(function (f) {
        var p = f.properties;
        if (p.record === "partnership") {
          p.place_ids.forEach(function (id) { (byPlace[id] = byPlace[id] || []).push(f); });
        }
      });
      var allLines = geo.features.filter(function (f) { return f.properties.record === "partnership"; });
      var drawAll = allLines.length <= parseInt(el.dataset.allLines || "5000", 10);
      function line(f, style) {
        var c = f.geometry.coordinates;
        return L.polyline([[c[0][1], c[0][0]], [c[1][1], c[1][0]]], Object.assign({renderer: canvas, interactive: false}, style));
      }
      if (drawAll) {
        allLines.forEach(function (f) {
          line(f, {color: f.properties.dormant ? "#999" : "#c0392b", weight: 1, opacity: 0.45}).addTo(lines);
        });
      }
      geo.features.forEach(function (f) {
        var p = f.properties;
        if (p.record !== "place") { return; }
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var m = L.marker(ll, {title: p.name, alt: p.name});
        m.bindPopup(popup(p.name, "/places/" + p.id, (p.partner_count || 0) + " " + (el.dataset.labelPartners || "")));
        m.on("click", function () {
          chosen.clearLayers();
          (byPlace[p.id] || []).forEach(function (s) {
            line(s, {color: "#1a5fb4", weight: 3, opacity: 0.9}).addTo(chosen);
          });
        });
        markers.push(m);
        bounds.push(ll);
      });
      cluster.addLayers(markers);
      if (bounds.length) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 7}); }
      el.dataset.markers = String(markers.length);
      el.dataset.lines = String(drawAll ? allLines.length : 0);
      el.classList.add("loaded");
    });
  }

  function smallMap(el) {
    var map = baseMap(el);
    var places = JSON.parse(el.dataset.places || "[]");
    var bounds = [], main = null;
    places.forEach(function (p) {
      var ll = [p.lat, p.lon];
      var m = L.circleMarker(ll, {radius: p.main ? 8 : 6, color: p.main ? "#1a5fb4" : "#c0392b", fillOpacity: 0.8});
      m.bindPopup(popup(p.name, "/places/" + p.id));
      m.addTo(map);
      bounds.push(ll);
      if (p.main) { main = ll; }
    });
    if (el.dataset.lines && main) {
      bounds.forEach(function (ll) { if (ll !== main) { L.polyline([main, ll], {color: "#c0392b", weight: 2, opacity: 0.7}).addTo(map); } });
    }
    if (bounds.length > 1) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 8}); }
    else if (bounds.length === 1) { map.setView(bounds[0], 6); }
    el.dataset.markers = String(places.length);
    el.classList.add("loaded");
  }

  document.querySelectorAll(".map").forEach(function (el) {
    if (typeof L === "undefined") { return; }
    if (el.dataset.source) { atlasMap(el); } else { smallMap(el); }
  });
})();
