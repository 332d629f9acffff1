// Report charts, drawn with the locally served ECharts from /reports/charts.json.
// Texts come from the holder's data- attributes, so they follow the page's language.
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
    option.grid = {left: 8, right: 16, top: 28, bottom: option.legend ? 32 : 8, containLabel: true};
    option.tooltip = {trigger: "axis"};
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
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
        legend: {bottom: 0},
        xAxis: {type: "category", data: data.certifications.kinds, axisLabel: {interval: 0, rotate: 30, fontSize: 10}},
        yAxis: {type: "value", minInterval: 1},
        series: data.certifications.series.map(function (s) {
          return {type: "bar", stack: "level", name: s.name, data: s.values};
        })
      }, data.certifications.kinds.length === 0);
      draw("loans", {
        legend: {bottom: 0},
        xAxis: {type: "category", data: data.loans.months},
        yAxis: [{type: "value", name: text("amount-unit", "万元")},
                {type: "value", name: text("count-unit", "笔"), minInterval: 1}],
        series: [
          {type: "bar", name: text("amount-name", "金额(万元)"), data: data.loans.amounts},
          {type: "line", name: text("count-name", "笔数"), yAxisIndex: 1, data: data.loans.counts}
        ]
      }, data.loans.months.length === 0);
    });
})();
