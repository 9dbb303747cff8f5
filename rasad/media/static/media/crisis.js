// The crisis room, live: on each media.* event of this crisis from the one live stream
// (/live/stream/): the crisis's timeline changed (media.crisis), one of its statements was saved,
// sent for review, approved or issued (media.statement), or an agency acknowledged or answered
// (media.recipient), fetch the room's live parts again (the timeline, the statements, the
// rumours) and swap each into the element with the same data-crisis-part. These kinds are not
// replayed after a reconnect, so the parts are fetched again when the stream reopens and on
// refetch. Without EventSource (or with the stream away) the page still works: it is reloaded by
// hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-crisis-timeline]");
  if (!box || !window.EventSource) { return; }
  var crisis = box.getAttribute("data-crisis");
  var url = box.getAttribute("data-timeline-url");
  var pending = false;
  var again = false;
  var opened = false;
  function swap(html) {
    var fetched = document.createElement("template");
    fetched.innerHTML = html;
    fetched.content.querySelectorAll("[data-crisis-part]").forEach(function (part) {
      var name = part.getAttribute("data-crisis-part");
      var target = document.querySelector('[data-crisis-part="' + name + '"]');
      // A part that has not changed is left as it is: replacing it would drop a click (or the
      // focus) that lands on it while the fetch returns.
      if (target && target.innerHTML !== part.innerHTML) { target.innerHTML = part.innerHTML; }
    });
    box.setAttribute("data-updated", String(Date.now()));
  }
  function refresh() {
    // One fetch at a time; an event during it asks for one more afterwards.
    if (pending) { again = true; return; }
    pending = true;
    box.setAttribute("data-fetching", ""); // for the browser tests: parts may be swapped
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { swap(html); } })
      .catch(function () { /* the next event or reopening fetches again */ })
      .then(function () {
        pending = false;
        if (again) { again = false; refresh(); } else { box.removeAttribute("data-fetching"); }
      });
  }
  function ofThisCrisis(message) {
    try {
      return String(JSON.parse(message.data).crisis) === crisis;
    } catch (error) {
      return false; // a frame we do not understand: ignore it
    }
  }
  var source = new EventSource(box.getAttribute("data-stream-url"));
  ["media.crisis", "media.statement", "media.recipient"].forEach(function (kind) {
    source.addEventListener(kind, function (message) { if (ofThisCrisis(message)) { refresh(); } });
  });
  source.addEventListener("refetch", refresh);
  source.addEventListener("open", function () {
    box.setAttribute("data-live", "on");
    // The page was drawn before the first opening; after a reconnect, events may have been missed.
    if (opened) { refresh(); }
    opened = true;
  });
  source.addEventListener("error", function () { box.setAttribute("data-live", "off"); });
})();
