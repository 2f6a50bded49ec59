// Polls a background job's status endpoint (Accept: application/json) until it ends, and shows its
// progress, its message, the link it offers (审核 / 下载) and the 重试 button of a failed job.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var links = document.querySelectorAll("[data-job-link]");
  function show(d) {
    document.getElementById("bar").value = d.progress;
    document.getElementById("pct").textContent = d.progress + "%";
    document.getElementById("status").textContent = d.status_display;
    document.getElementById("claimed").textContent = d.claimed;
    var msg = document.getElementById("message");
    msg.textContent = d.message;
    msg.className = d.status === "failed" ? "error" : "";
    var retry = document.getElementById("retry-form");
    if (d.retry_url) { retry.setAttribute("action", d.retry_url); retry.hidden = false; } else { retry.hidden = true; }
    Array.prototype.forEach.call(links, function (a) {
      var url = d[a.getAttribute("data-job-link")];
      if (url) { a.setAttribute("href", url); a.parentNode.hidden = false; }
    });
  }
  function poll() {
    fetch(box.getAttribute("data-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { setTimeout(poll, 3000); return; }
        show(d);
        if (!d.finished) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (box.getAttribute("data-finished") !== "1") setTimeout(poll, 1000);
})();
