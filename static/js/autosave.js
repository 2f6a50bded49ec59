/* Autosave of the progress-report form, so that nothing typed is lost:
   - a copy in this browser (localStorage) on every keystroke, which survives a dead network or an
     expired login;
   - a draft on the server a moment after typing stops and every 10 s while there are unsaved
     changes; the server puts it back into the form on reload.
   The local copy is keyed by task, period and the version the form is based on, so once a report
   is filed (the version moves on) the old copy is never offered again.
   Plain ES5 so it runs on old office browsers. */
(function () {
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=expected_version]");
  var key = "report-draft:" + url + ":" + (form.getAttribute("data-period") || "") + ":" + (version ? version.value : "");
  var dirty = false, timer = null, busy = false;

  function csrf() {
    var el = form.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function show(text) { if (status) status.textContent = text; }
  function fields() {
    var out = {}, els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "hidden") continue;
      out[el.name] = el.value;
    }
    return out;
  }
  function keepLocal() {
    try { localStorage.setItem(key, JSON.stringify({ at: new Date().getTime(), fields: fields() })); } catch (e) {}
  }
  function restoreLocal() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.fields) return;
    var serverAt = parseInt(form.getAttribute("data-draft-at") || "0", 10);
    if (form.getAttribute("data-bound") === "1" || saved.at <= serverAt) return;
    var changed = false;
    for (var name in saved.fields) {
      var el = form.elements[name];
      if (el && el.value !== saved.fields[name]) { el.value = saved.fields[name]; changed = true; }
    }
    if (changed) { show("已恢复本机保存的未提交内容"); dirty = true; save(); }
  }

  function save() {
    if (!dirty || busy) return;
    busy = true; dirty = false;
    var data = new FormData(), f = fields();
    for (var name in f) data.append(name, f[name]);
    var hidden = form.querySelectorAll("input[type=hidden]");
    for (var i = 0; i < hidden.length; i++) if (hidden[i].name !== "csrfmiddlewaretoken") data.append(hidden[i].name, hidden[i].value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("X-CSRFToken", csrf());
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      busy = false;
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (e) {}
      if (xhr.status === 200 && reply && reply.ok) {
        show("草稿已自动保存 " + reply.saved_at);
      } else {
        // A login page instead of JSON means the session expired: the local copy still has it all.
        dirty = true;
        show(reply ? "草稿未保存：" + (reply.message || "请稍后重试")
                   : "草稿暂未保存到服务器（网络中断或登录已过期），内容已保存在本机，请勿关闭页面");
      }
    };
    xhr.send(data);
  }

  function changed() {
    dirty = true;
    keepLocal();
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  setInterval(save, 10000);
  form.addEventListener("submit", function () { keepLocal(); dirty = false; if (timer) clearTimeout(timer); });
  restoreLocal();
})();

/* Lead unit: quote a co-unit's report into the consolidated text (then autosaved like typing). */
(function () {
  var target = document.getElementById("id_done_text");
  var buttons = document.querySelectorAll("button.quote");
  if (!target) return;
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () {
      var text = this.getAttribute("data-quote");
      target.value = target.value ? target.value.replace(/\s+$/, "") + "\n" + text : text;
      var ev = document.createEvent("Event");
      ev.initEvent("input", true, true);
      target.dispatchEvent(ev);
      target.focus();
    });
  }
})();
