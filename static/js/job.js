// The job page: polls the job's JSON status and updates the progress bar; reloads the page when it ends
// (the finished page shows the result). Without script the page refreshes itself (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || ["done", "failed", "cancelled"].indexOf(box.dataset.state) >= 0) return;
  var url = box.dataset.statusUrl;
  function text(selector, value) {
    var node = box.querySelector(selector);
    if (node) node.textContent = value;
  }
  function number(n) {
    return n === null || n === undefined ? "—" : Math.round(n).toLocaleString();
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        var bar = box.querySelector(".progress-bar");
        if (s.percent !== null) {
          bar.style.width = s.percent + "%";
          bar.textContent = s.percent + "%";
          box.querySelector(".progress").setAttribute("aria-valuenow", s.percent);
        }
        text(".job-state", s.state_label);
        text(".job-phase", s.phase_label);
        text(".job-done", number(s.done));
        if (s.total) text(".job-total", number(s.total));
        text(".job-elapsed", number(s.elapsed_seconds));
        text(".job-left", number(s.left_seconds));
        var ahead = box.querySelector(".job-ahead");
        if (ahead && !s.ahead) ahead.remove();
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
})();
