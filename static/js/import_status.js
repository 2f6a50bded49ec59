/* The import job page: polls the job's JSON until it is done or failed. */
(function () {
  var box = document.getElementById("job"), timer;
  if (!box) { return; }
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", box.getAttribute("data-url"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var d = JSON.parse(xhr.responseText);
      document.getElementById("bar").value = d.progress;
      document.getElementById("pct").textContent = d.progress + "%";
      document.getElementById("status").textContent = d.status_display;
      var msg = document.getElementById("message");
      msg.textContent = d.message; msg.className = d.status === "failed" ? "error" : "";
      if (d.review_url) {
        var next = document.getElementById("next"), a = document.createElement("a");
        a.className = "button primary"; a.href = d.review_url; a.textContent = "进入审核页面";
        next.textContent = ""; next.appendChild(a);
      }
      if (d.status === "done" || d.status === "failed") clearInterval(timer);
    };
    xhr.send();
  }
  var status = box.getAttribute("data-status");
  if (status !== "done" && status !== "failed") timer = setInterval(poll, 1000);
})();
