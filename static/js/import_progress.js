// Product import progress: polls the job's JSON status and moves the <progress> bar; when the
// job has finished, reloads the page, which then shows the per-row result. Without this script
// the page refreshes itself with <noscript><meta http-equiv="refresh">.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("[data-import-progress]");
  var text = box.querySelector("[data-import-progress-text]");
  var template = box.getAttribute("data-progress-template") || "{done} / {total}";

  function show(state) {
    if (state.total_rows) {
      bar.max = state.total_rows;
      bar.value = state.processed_rows;
      bar.textContent = state.percent + "%";
      text.textContent = template
        .replace("{done}", state.processed_rows)
        .replace("{total}", state.total_rows)
        .replace("{percent}", state.percent);
    } else {
      text.textContent = state.status_display;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the server is busy or away: try again, more slowly
      });
  }

  window.setTimeout(poll, 500);
})();
