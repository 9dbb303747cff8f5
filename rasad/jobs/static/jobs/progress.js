// The progress of a file being prepared in the background. With live push (data-stream-url: the
// worker's events cross processes over Redis) the bar moves on each jobs.progress event of this
// task from the one live stream, and the status is read again when the task's state changes
// (jobs.state), when the stream (re)opens and on refetch; while the stream is away, and without
// push, the page polls the status instead (docs/exports-and-background-work.md, "Progress").
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status");
  var task = box.getAttribute("data-task");
  var streamUrl = box.getAttribute("data-stream-url");
  var bar = box.querySelector("[data-role=bar]");
  var label = box.querySelector("[data-role=label]");
  var error = box.querySelector("[data-role=error]");
  var download = box.querySelector("[data-role=download]");
  var digits = document.documentElement.getAttribute("data-persian-digits") === "1";
  var statusLabel = box.getAttribute("data-status-label") || "";
  // How far the file has come, in the server's words («۵۰۰ از ۱٬۲۰۰ ردیف», «گام ۲ از ۳»): a
  // pattern for one and for several, with the separator that follows the status.
  var separator = box.getAttribute("data-separator") || " — ";
  var patterns = { one: box.getAttribute("data-progress-one") || "", other: box.getAttribute("data-progress-other") || "" };
  var finished = false;
  var polling = false;
  var source = null;
  var format = function (n) {
    return new Intl.NumberFormat(digits ? "fa-IR" : "en-US").format(n);
  };
  function draw(percent, words) {
    bar.style.width = percent + "%";
    box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(percent));
    label.textContent = statusLabel + (words ? separator + words : "");
  }
  function move(done, total) {
    if (!total) { return; }
    var pattern = total === 1 ? patterns.one : patterns.other;
    // The total is bound to the word after it (a no-break space), as the server writes it.
    var words = pattern.replace("%(total)s ", "%(total)s\u00a0")
      .replace("%(done)s", format(done)).replace("%(total)s", format(total));
    draw(Math.max(0, Math.min(100, Math.floor(100 * done / total))), words);
  }
  function show(data) {
    statusLabel = data.status_label;
    draw(data.percent === null || data.percent === undefined ? 0 : data.percent, data.progress_text);
    if (data.error) { error.textContent = data.error; error.hidden = false; }
    if (data.download_url) { download.href = data.download_url; download.hidden = false; }
    if (data.finished) {
      finished = true;
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      if (source) { source.close(); }
    }
    return data.finished;
  }
  function read() {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(show);
  }
  function poll() {
    // One chain of polls at a time; it ends when the file is finished or the stream is back.
    if (polling || finished || (source && source.readyState === EventSource.OPEN)) { return; }
    polling = true;
    read()
      .then(function (done) { polling = false; if (!done) { window.setTimeout(poll, 1500); } })
      .catch(function () { polling = false; window.setTimeout(poll, 5000); });
  }
  if (!streamUrl || !task || !window.EventSource) { poll(); return; }
  source = new EventSource(streamUrl);
  source.addEventListener("open", function () {
    box.setAttribute("data-live", "on");
    read().catch(function () { /* the next event or the poll reads it again */ });
  });
  source.addEventListener("error", function () {
    box.setAttribute("data-live", "off");
    window.setTimeout(poll, 1500);
  });
  source.addEventListener("jobs.progress", function (message) {
    try {
      var data = JSON.parse(message.data);
      if (data.task === task && !finished) { move(data.done, data.total); }
    } catch (ignored) { /* a frame we do not understand */ }
  });
  source.addEventListener("jobs.state", function (message) {
    try {
      if (JSON.parse(message.data).task === task) { read(); }
    } catch (ignored) { /* a frame we do not understand */ }
  });
  source.addEventListener("refetch", function () { read(); });
})();
