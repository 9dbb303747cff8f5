// Polls the status of a file being prepared in the background and moves its progress bar.
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status");
  var bar = box.querySelector("[data-role=bar]");
  var label = box.querySelector("[data-role=label]");
  var error = box.querySelector("[data-role=error]");
  var download = box.querySelector("[data-role=download]");
  var digits = document.documentElement.getAttribute("data-persian-digits") === "1";
  var format = function (n) {
    return new Intl.NumberFormat(digits ? "fa-IR" : "en-US").format(n);
  };
  function show(data) {
    var percent = data.percent === null || data.percent === undefined ? 0 : data.percent;
    bar.style.width = percent + "%";
    box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(percent));
    var text = data.status_label;
    if (data.total) { text += " — " + format(data.done) + " / " + format(data.total); }
    label.textContent = text;
    if (data.error) { error.textContent = data.error; error.hidden = false; }
    if (data.download_url) { download.href = data.download_url; download.hidden = false; }
    if (data.finished) { bar.classList.remove("progress-bar-striped", "progress-bar-animated"); }
    return data.finished;
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (!show(data)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
