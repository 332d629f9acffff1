// Report charts, drawn with the locally served ECharts from /reports/charts.json.
// Names come with the data, in the reader's language; the note for an empty chart from data-empty.
(function () {
  "use strict";
  var holder = document.getElementById("charts");
  if (!holder || !window.echarts) { return; }
  var palette = ["#0b4a8b", "#2f80c0", "#7fb3dd", "#e8a33d", "#c0504d", "#5a9e6f"];
  function text(name, fallback) { return holder.getAttribute("data-" + name) || fallback; }
  function draw(name, option, empty) {
    var node = holder.querySelector('[data-chart="' + name + '"]');
    if (!node) { return; }
    if (empty) {
      node.classList.add("chart-empty");
      node.textContent = text("empty", "暂无数据");
      return;
    }
    var chart = window.echarts.init(node, null, {renderer: "svg"});
    option.color = palette;
    // containLabel keeps long (e.g. English) axis labels inside the chart instead of clipping them.
    option.grid = Object.assign({left: 8, right: 16, top: 24, bottom: 8, containLabel: true}, option.grid || {});
    option.tooltip = {trigger: "axis"};
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    // Redraw at the paper's width when printing (and back at the screen's afterwards).
    var printing = window.matchMedia ? window.matchMedia("print") : null;
    if (printing && printing.addEventListener) {
      printing.addEventListener("change", function () { chart.resize(); });
    }
  }
  function sum(values) { return values.reduce(function (a, b) { return a + b; }, 0); }
  fetch(holder.getAttribute("data-source"), {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      draw("founder_groups", {
        xAxis: {type: "category", data: data.founder_groups.labels, axisLabel: {interval: 0, rotate: 30}},
        yAxis: {type: "value", minInterval: 1},
        series: [{type: "bar", data: data.founder_groups.values, label: {show: true, position: "top"}}]
      }, sum(data.founder_groups.values) === 0);
      draw("certifications", {
        legend: {top: 0},
        grid: {top: 36, left: 40},
        xAxis: {type: "category", data: data.certifications.kinds, axisLabel: {interval: 0, rotate: 30, fontSize: 10}},
        yAxis: {type: "value", minInterval: 1},
        series: data.certifications.series.map(function (s) {
          return {type: "bar", stack: "level", name: s.name, data: s.values};
        })
      }, data.certifications.kinds.length === 0);
      var names = data.loans.names;  // in the reader's language
      draw("loans", {
        grid: {top: 36},
        xAxis: {type: "category", data: data.loans.months},
        yAxis: [{type: "value", name: names.wan}, {type: "value", name: names.loans, minInterval: 1}],
        series: [
          {type: "bar", name: names.amount, data: data.loans.amounts},
          {type: "line", name: names.count, yAxisIndex: 1, data: data.loans.counts}
        ]
      }, data.loans.months.length === 0);
    });
})();
