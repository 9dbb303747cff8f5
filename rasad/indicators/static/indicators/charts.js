// Indicator charts (ECharts). No inline scripts: every chart is an element with data attributes.
//   [data-kpi-chart] data-url → {labels, values, target, warning, critical, name, unit}
//   [data-cusum]     data-labels / data-values ("|"-separated), data-name
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  var font = "Vazirmatn, sans-serif";
  // Numbers on axes and in tooltips in the reader's digits («۱٬۲۳۴٫۵» or "1,234.5").
  var numbers = new Intl.NumberFormat(document.documentElement.dataset.persianDigits === "1" ? "fa-IR" : "en-US",
                                      { maximumFractionDigits: 2 });
  function number(value) { return typeof value === "number" ? numbers.format(value) : value; }
  function line(value, label, colour) {
    return { yAxis: value, name: label, lineStyle: { color: colour, type: "dashed" },
             label: { formatter: label, color: colour, fontFamily: font } };
  }
  function draw(el, labels, series, marks) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: font },
      // The value axis stands on the reader's side (the right in Persian), with room for its numbers.
      grid: { left: rtl ? 16 : 56, right: rtl ? 56 : 16, top: 24, bottom: 44 },
      tooltip: { trigger: "axis", valueFormatter: number },
      // A period's name on two lines ("آذر" over "۱۴۰۴"), level, the ones that would collide left out:
      // slanted, twelve months ran into each other.
      xAxis: { type: "category", data: labels, inverse: rtl,
               axisLabel: { hideOverlap: true, lineHeight: 16,
                            formatter: function (label) { return String(label).replace(/ (?=\S+$)/, "\n"); } } },
      yAxis: { type: "value", position: rtl ? "right" : "left", scale: true, axisLabel: { formatter: number } },
      series: [{ type: "line", name: series.name, data: series.values, connectNulls: false, smooth: false,
                 markLine: marks.length ? { symbol: "none", data: marks } : undefined }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
    return chart;
  }
  document.querySelectorAll("[data-kpi-chart]").forEach(function (el) {
    fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      var marks = [];
      if (d.target !== null) { marks.push(line(d.target, el.dataset.targetLabel || "target", "#198754")); }
      if (d.warning !== null) { marks.push(line(d.warning, el.dataset.warningLabel || "warning", "#fd7e14")); }
      if (d.critical !== null) { marks.push(line(d.critical, el.dataset.criticalLabel || "critical", "#dc3545")); }
      draw(el, d.labels, { name: d.name + " (" + d.unit + ")", values: d.values }, marks);
      el.dataset.points = String(d.values.filter(function (v) { return v !== null; }).length);
    });
  });
  document.querySelectorAll("[data-cusum]").forEach(function (el) {
    var labels = el.dataset.labels ? el.dataset.labels.split("|") : [];
    var values = el.dataset.values ? el.dataset.values.split("|").map(Number) : [];
    draw(el, labels, { name: el.dataset.name, values: values }, [line(0, number(0), "#6c757d")]);
  });
})();
