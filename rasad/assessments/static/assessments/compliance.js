// The compliance page's trend line (ECharts): the mean final score of each cycle of the same
// checklist. No inline scripts: the element carries its data.
//   [data-compliance-trend] data-labels / data-values ("|"-separated; empty = no value)
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  var persian = document.documentElement.dataset.persianDigits === "1";
  var font = "Vazirmatn, sans-serif";
  function digits(text) {
    return persian ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }
  function percent(v) {
    return v === null || v === undefined ? "—" : digits(Number(v).toFixed(0)) + (persian ? "٪" : "%");
  }
  document.querySelectorAll("[data-compliance-trend]").forEach(function (el) {
    var labels = el.dataset.labels ? el.dataset.labels.split("|") : [];
    var values = el.dataset.values ? el.dataset.values.split("|").map(function (v) { return v === "" ? null : Number(v); }) : [];
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: font },
      grid: { left: rtl ? 16 : 48, right: rtl ? 48 : 16, top: 16, bottom: 64 },
      tooltip: { trigger: "axis", valueFormatter: percent },
      xAxis: { type: "category", data: labels, inverse: rtl,
               axisLabel: { interval: 0, width: 110, overflow: "truncate", rotate: labels.length > 3 ? 30 : 0, fontFamily: font } },
      yAxis: { type: "value", min: 0, max: 100, position: rtl ? "right" : "left",
               axisLabel: { formatter: function (v) { return digits(v); }, fontFamily: font } },
      series: [{ type: "line", name: el.dataset.seriesLabel || "", data: values, connectNulls: false,
                 itemStyle: { color: "#0b5563" }, label: { show: true, formatter: function (p) { return percent(p.value); }, fontFamily: font } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  });
})();
