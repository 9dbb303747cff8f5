// The programme page's burn-up chart (ECharts). No inline scripts: the element carries its data.
//   [data-burnup] data-labels / data-planned / data-done ("|"-separated; empty = no value)
(function () {
  "use strict";
  var rtl = document.documentElement.dir === "rtl";
  var persian = document.documentElement.dataset.persianDigits === "1";
  var font = "Vazirmatn, sans-serif";
  function digits(text) {
    return persian ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }
  function values(text) {
    return text ? text.split("|").map(function (v) { return v === "" ? null : Number(v); }) : [];
  }
  document.querySelectorAll("[data-burnup]").forEach(function (el) {
    var labels = el.dataset.labels ? el.dataset.labels.split("|") : [];
    var chart = echarts.init(el, null, { renderer: "svg" });
    // Every n-th month named, so that the slanted names keep 24 px apart (ECharts' hideOverlap
    // let them pile up on a phone): a year of months fits a phone, more shows every other one.
    // On a phone the names lie flat, 84 px apart (slanted, the long ones ran into each other and out
    // of the chart). containLabel keeps the first and the last name inside the chart's box.
    var narrow = el.clientWidth < 480;
    var every = Math.max(1, Math.ceil(labels.length * (narrow ? 84 : 24) / Math.max(1, el.clientWidth - 64)));
    chart.setOption({
      textStyle: { fontFamily: font },
      // The slanted names run from their month towards the end the axis starts at (right in
      // Persian): room on that side for the first, which containLabel alone leaves cut.
      grid: { left: narrow || rtl ? 12 : 48, right: narrow || !rtl ? 12 : 48, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, align: rtl ? "right" : "left", itemGap: 24, textStyle: { fontFamily: font } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : digits(v.toFixed(0)) + "٪"; } },
      xAxis: { type: "category", data: labels, inverse: rtl,
               axisLabel: { rotate: narrow ? 0 : (rtl ? -40 : 40), hideOverlap: true, fontFamily: font,
                            interval: function (index) { return index % every === 0; } } },
      yAxis: { type: "value", min: 0, max: 100, position: rtl ? "right" : "left",
               axisLabel: { formatter: function (v) { return digits(v); }, fontFamily: font } },
      series: [
        { type: "line", name: el.dataset.plannedLabel || "planned", data: values(el.dataset.planned), step: "end",
          lineStyle: { type: "dashed", color: "#6c757d" }, itemStyle: { color: "#6c757d" }, symbol: "none" },
        { type: "line", name: el.dataset.doneLabel || "done", data: values(el.dataset.done), areaStyle: { opacity: 0.15 },
          itemStyle: { color: "#198754" }, connectNulls: false }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  });
})();
