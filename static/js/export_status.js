/* The 台账 / 通报 export job page: polls until the file is ready or the job failed. */
(function () {
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var bar = document.getElementById("bar"), msg = document.getElementById("message"), dl = document.getElementById("download");
  function poll() {
    fetch(location.href, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (j) {
      bar.value = j.progress; msg.textContent = j.status_display + (j.message ? "：" + j.message : "");
      if (j.status === "done") { dl.hidden = false; }
      else if (j.status === "failed") { msg.className = "error"; }
      else { setTimeout(poll, 1000); }
    });
  }
  var status = box.getAttribute("data-status");
  if (status !== "done" && status !== "failed") { poll(); }
})();
