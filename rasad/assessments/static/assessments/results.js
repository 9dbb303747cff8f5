// The results charts (ECharts) of a cycle's page and an assessment's page. No inline scripts:
// each chart is an element naming its JSON feed, like the indicator charts.
//   [data-results-chart] data-url → {<part>: {labels, series: [{name, values}]}}; data-part
//   names the part drawn ("sections": a bar per section and organization or stage, of 100;
//   "bands": how many reached each band).
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  var font = "Vazirmatn, sans-serif";
  var numbers = new Intl.NumberFormat(document.documentElement.dataset.persianDigits === "1" ? "fa-IR" : "en-US",
                                      { maximumFractionDigits: 1 });
  function number(value) { return value === null || value === undefined ? "—" : numbers.format(value); }
  var colours = ["#0b5563", "#e09f3e", "#6f42c1", "#198754", "#dc3545", "#0d6efd", "#6c757d", "#9e2a2b"];
  function draw(el, part, d) {
    var isBands = el.dataset.part === "bands";
    // Horizontal bars: one row per label, tall enough on a phone for every name and bar.
    var rows = part.labels.length * (isBands ? 1 : Math.max(1, part.series.length));
    el.style.height = Math.max(200, 80 + rows * (isBands ? 36 : 18)) + "px";
    // ECharts places and anchors its text for a left-to-right box; in the page's right-to-left
    // box the labels ran into the bars. The options mirror the axes for Persian instead.
    el.dir = "ltr";
    var chart = echarts.init(el, null, { renderer: "svg" });
    var values = { type: "value", min: 0, max: isBands ? null : 100, minInterval: isBands ? 1 : null,
                   inverse: rtl, axisLabel: { formatter: number, fontFamily: font } };
    chart.setOption({
      color: colours,
      textStyle: { fontFamily: font },
      // A legend wider than a phone scrolls, its page count («۱/۴») in the reader's digits.
      legend: part.series.length > 1 ? { top: 0, type: "scroll", textStyle: { fontFamily: font },
                                         pageFormatter: function (p) { return number(p.current) + "/" + number(p.total); },
                                         pageTextStyle: { fontFamily: font } } : undefined,
      grid: { left: 16, right: 16, top: part.series.length > 1 ? 40 : 16, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: values,
      yAxis: { type: "category", data: part.labels, inverse: true, position: rtl ? "right" : "left",
               axisLabel: { width: 140, overflow: "truncate", fontFamily: font } },
      series: part.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.values,
                 // Every bar says its value at its end, in the reader's digits: a chart read on a
                 // phone is not hovered, and two bars of a section differ by a few points.
                 label: { show: true, position: rtl ? "left" : "right", fontSize: isBands ? 12 : 11,
                          formatter: function (p) { return number(p.value); }, fontFamily: font } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  document.querySelectorAll("[data-results-chart]").forEach(function (el) {
    fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      draw(el, d[el.dataset.part], d);
    });
  });
})();
