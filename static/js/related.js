// Loads a measure's 相关先进经验 when its <details> is first opened (a plan page lists hundreds of
// measures; ranking all of them up front would slow the page). Included once per measure: guarded.
(function () {
  if (window.__relatedArticles) return;
  window.__relatedArticles = true;
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (!d.classList || !d.classList.contains("related-lazy") || !d.open || d.dataset.loaded) return;
    d.dataset.loaded = "1";
    fetch(d.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
      d.querySelector("div").outerHTML = html;
    }).catch(function () { d.querySelector("div").textContent = "加载失败，请稍后再试。"; });
  }, true);
})();
