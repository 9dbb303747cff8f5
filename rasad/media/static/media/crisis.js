// The crisis room's live timeline: on each media.crisis event of this crisis from the one live
// stream (/live/stream/), fetch the timeline again and swap it in. Without EventSource (or with
// the stream away) the page still works: it is reloaded by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-crisis-timeline]");
  if (!box || !window.EventSource) { return; }
  var crisis = box.getAttribute("data-crisis");
  var url = box.getAttribute("data-timeline-url");
  var pending = false;
  function refresh() {
    if (pending) { return; }
    pending = true;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        pending = false;
        if (html !== null) {
          box.innerHTML = html;
          box.setAttribute("data-updated", String(Date.now()));
        }
      })
      .catch(function () { pending = false; });
  }
  var source = new EventSource(box.getAttribute("data-stream-url"));
  source.addEventListener("media.crisis", function (message) {
    try {
      var data = JSON.parse(message.data);
      if (String(data.crisis) === crisis) { refresh(); }
    } catch (error) { /* a frame we do not understand: ignore it */ }
  });
  source.addEventListener("media.recipient", function () { refresh(); });
  source.addEventListener("refetch", refresh);
  source.addEventListener("open", function () { box.setAttribute("data-live", "on"); });
})();
