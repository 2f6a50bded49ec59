// The dashboard's slower panels (national indicators, quality notes per unit, dropped commitments):
// fetched after the page is shown, with the page's own filters (supervision.dashboard.views.dashboard_panels).
(function () {
  var box = document.getElementById("dashboard-panels");
  if (!box) return;
  fetch(box.dataset.url, {credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"}})
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
    .then(function (html) { box.innerHTML = html; })
    .catch(function () {
      var s = document.getElementById("panels-loading");
      if (s) s.textContent = "评价指标等统计加载失败，请刷新页面重试。";
    });
})();
