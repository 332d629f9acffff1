// Dashboard charts drawn from JSON the page carries in a data- attribute, with the
// locally served ECharts. The numbers are also in the tables beside them, so nothing depends on this.
(function () {
  "use strict";
  var source = document.getElementById("finance-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.getAttribute("data-charts"));
  var palette = ["#0b4a8b", "#e8a33d", "#2f80c0", "#5a9e6f"];
  function draw(name, option) {
    var node = document.querySelector('[data-dashboard-chart="' + name + '"]');
    if (!node) { return; }
    var chart = window.echarts.init(node, null, {renderer: "svg"});
    option.color = palette;
    option.tooltip = {trigger: "axis"};
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("pipeline", {
    grid: {left: 8, right: 32, top: 8, bottom: 8, containLabel: true},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", inverse: true, data: data.pipeline.labels},
    series: [{type: "bar", name: data.pipeline.name, data: data.pipeline.values,
              label: {show: true, position: "right"}}]
  });
  draw("loans", {
    grid: {left: 8, right: 8, top: 32, bottom: 32, containLabel: true},
    legend: {bottom: 0},
    xAxis: {type: "category", data: data.loans.months},
    yAxis: [{type: "value", name: data.loans.amountUnit},
            {type: "value", name: data.loans.countUnit, minInterval: 1}],
    series: [
      {type: "bar", name: data.loans.amountName, data: data.loans.amounts},
      {type: "line", name: data.loans.countName, yAxisIndex: 1, data: data.loans.counts}
    ]
  });
})();
