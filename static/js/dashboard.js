/* Dashboard charts (Apache ECharts, served from /static/vendor). Every bar and slice links to the
   task list behind it; the tables next to the charts carry the same links for keyboards and print. */
(function () {
  var printButton = document.getElementById("print-page");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  var el = document.getElementById("dash-data");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.textContent);
  var charts = [];
  var COLORS = {overdue: "#c62828", due_soon: "#e0a100", closed: "#2e7d32", pending_review: "#6a1b9a",
                in_progress: "#1565c0", not_started: "#9e9e9e", extended: "#ef6c00"};
  function make(id, option, onClick) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = echarts.init(node, null, {renderer: "svg"});
    c.setOption(Object.assign({animation: false, textStyle: {fontFamily: "Microsoft YaHei, Noto Sans CJK SC, sans-serif"}}, option));
    if (onClick) { c.on("click", onClick); node.style.cursor = "pointer"; }
    charts.push(c);
  }
  function go(url) { if (url) { window.location.href = url; } }

  make("chart-status", {
    tooltip: {trigger: "item", formatter: "{b}：{c} 项（{d}%）"},
    legend: {orient: "vertical", right: 0, top: "middle"},
    series: [{type: "pie", radius: ["40%", "72%"], center: ["38%", "50%"], label: {show: false},
      data: data.status.filter(function (s) { return s.value > 0; }).map(function (s) {
        return {name: s.name, value: s.value, url: s.url, itemStyle: {color: COLORS[s.key]}}; })}]
  }, function (p) { go(p.data.url); });

  var plans = data.plans.slice().reverse();
  make("chart-plans", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, formatter: function (ps) {
      // ECharts inserts a formatter's string as HTML: plan titles are user input, so escape them.
      var p = plans[ps[0].dataIndex], esc = echarts.format.encodeHTML;
      return esc(p.name) + "<br>办结率 " + esc(String(p.close_rate)) + "%，逾期 " + esc(String(p.overdue)) + " 项"; }},
    grid: {left: 8, right: 90, top: 8, bottom: 8, containLabel: true},
    xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: plans.map(function (p) { return p.name; }), axisLabel: {width: 220, overflow: "truncate"}},
    series: [{type: "bar", barMaxWidth: 18, itemStyle: {color: "#2e7d32"},
      label: {show: true, position: "right", formatter: function (p) { return p.value + "%  逾期" + plans[p.dataIndex].overdue; }},
      data: plans.map(function (p) { return {value: p.close_rate, url: p.url}; })}]
  }, function (p) { go(p.data.url); });

  make("chart-trend", {
    tooltip: {trigger: "axis"},
    legend: {data: ["到期任务", "按期办结", "当月办结", "按期完成率(%)"], top: 0},
    grid: {left: 8, right: 8, top: 30, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.trend.map(function (t) { return t.month; })},
    yAxis: [{type: "value", name: "项"}, {type: "value", name: "%", max: 100}],
    series: [
      {name: "到期任务", type: "bar", data: data.trend.map(function (t) { return t.due; }), itemStyle: {color: "#90a4ae"}},
      {name: "按期办结", type: "bar", data: data.trend.map(function (t) { return t.ontime; }), itemStyle: {color: "#2e7d32"}},
      {name: "当月办结", type: "line", data: data.trend.map(function (t) { return t.closed; }), itemStyle: {color: "#1565c0"}},
      {name: "按期完成率(%)", type: "line", yAxisIndex: 1, data: data.trend.map(function (t) { return t.rate; }), itemStyle: {color: "#b3242a"}}
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
