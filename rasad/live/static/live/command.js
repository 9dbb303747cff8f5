// The command view, kept current by server-sent events (/live/stream/): new events go to the top
// of the feed, a status change recolours its post on the map and in the list, a high-severity
// event raises the alert banner and, like an outage, reloads the open incidents (whose cards are
// acknowledged and assigned in place with htmx), and "refetch" (the tab fell behind) reloads
// feed, incidents and states.
(function () {
  "use strict";
  var feed = document.getElementById("live-feed");
  if (!feed || !window.EventSource) { return; }
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var stateLabel = document.getElementById("stream-state");
  var alertBox = document.getElementById("live-alert");
  var map = document.querySelector("[data-rasad-map]");
  var FEED_LENGTH = 30;
  var refreshTimer = null;
  var incidents = document.getElementById("live-incidents");
  var incidentTimer = null;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }
  function code(value) {
    if (document.documentElement.dataset.persianDigits !== "1") { return value; }
    return String(value).replace(/[0-9]/g, function (d) { return "\u06F0\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6\u06F7\u06F8\u06F9"[d]; });
  }
  function severityClass(severity) {
    return severity === "high" ? "danger" : severity === "medium" ? "warning" : "light";
  }
  function when(iso) {
    // As the server writes it (rasad.lib.display): yyyy/mm/dd hh:mm, Tehran time, in the reader's
    // calendar and digits.
    try {
      var root = document.documentElement.dataset;
      var locale = (root.persianDigits === "1" ? "fa-IR" : "en-GB") + (root.calendar === "jalali" ? "-u-ca-persian" : "-u-ca-gregory");
      var parts = {};
      new Intl.DateTimeFormat(locale, {
        timeZone: "Asia/Tehran", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year.replace(/[^0-9\u06F0-\u06F9]+$/, "") + "/" + parts.month + "/" + parts.day + " " + parts.hour + ":" + parts.minute;
    } catch (e) { return iso; }
  }
  function eventItem(p) {
    var li = document.createElement("li");
    li.className = "live-event severity-" + p.severity + " is-new";
    li.dataset.testid = "event";
    li.setAttribute("data-testid", "event");
    li.dataset.event = String(p.id);
    var head = document.createElement("div");
    head.className = "d-flex justify-content-between gap-2";
    var title = labels.kind[p.kind] || p.kind;
    if (p.kind === "status_changed" && p.status) { title += ": " + (labels.status[p.status] || p.status); }
    head.appendChild(text("strong", title));
    // Named, as the page's own events are: «شدت: کم», not «کم» alone beside the event's title.
    var severity = labels.severity[p.severity] || p.severity;
    if (feed.dataset.severityName) { severity = feed.dataset.severityName + ": " + severity; }
    head.appendChild(text("span", severity, "badge text-bg-" + severityClass(p.severity)));
    li.appendChild(head);
    var where = document.createElement("div");
    where.className = "small";
    var link = text("a", p.post_name || "");
    link.href = "/live/posts/" + encodeURIComponent(p.post) + "/";
    where.appendChild(link);
    where.appendChild(document.createTextNode(labels.text.separator));
    // A device's code in the reader's digits, as the server writes it (rasad.lib.formatting.code).
    var serial = text("bdi", code(p.serial || ""));
    serial.dir = "ltr";
    where.appendChild(serial);
    li.appendChild(where);
    if (p.text) { li.appendChild(text("div", p.text, "small")); }
    li.appendChild(text("div", when(p.device_time), "small text-muted"));
    return li;
  }
  function addEvent(p) {
    if (feed.querySelector('[data-event="' + p.id + '"]')) { return; }
    var empty = feed.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    feed.insertBefore(eventItem(p), feed.firstChild);
    while (feed.children.length > FEED_LENGTH) { feed.removeChild(feed.lastChild); }
    if (p.severity === "high") { raise(p); }
  }
  function raise(p) {
    alertBox.textContent = "";
    alertBox.appendChild(text("strong", alertBox.dataset.title + ": "));
    alertBox.appendChild(document.createTextNode([labels.kind[p.kind] || p.kind, p.post_name || "", p.text || ""].filter(Boolean).join(labels.text.separator)));
    alertBox.classList.remove("d-none");
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound without a user gesture: the banner is enough */ }
  }
  function number(value) {
    return new Intl.NumberFormat(document.documentElement.dataset.persianDigits === "1" ? "fa-IR" : "en-US").format(value);
  }
  function applyStates(points) {
    var counts = {};
    Object.keys(labels.status).forEach(function (s) { counts[s] = 0; });
    points.features.forEach(function (f) {
      var status = f.properties.status;
      counts[status] = (counts[status] || 0) + 1;
      var cell = document.querySelector('[data-post="' + f.properties.id + '"] [data-post-devices]');
      if (cell && f.properties.devices) {
        // As the page drew it: one «status: count» per status, set apart by rasad.css (.device-counts).
        cell.textContent = "";
        Object.keys(f.properties.devices).filter(function (k) { return f.properties.devices[k]; }).forEach(function (k) {
          var part = document.createElement("span");
          part.textContent = (labels.status[k] || k) + ": " + number(f.properties.devices[k]);
          cell.appendChild(part);
        });
      }
      var badge = document.querySelector('[data-post="' + f.properties.id + '"] [data-post-status]');
      if (badge) {
        badge.textContent = labels.status[status] || status;
        badge.className = "badge text-bg-" + (labels.badge[status] || "secondary");
        badge.dataset.status = status;
      }
    });
    Object.keys(counts).forEach(function (s) {
      var cell = document.querySelector('[data-status-count="' + s + '"] [data-count]');
      if (cell) { cell.textContent = new Intl.NumberFormat(document.documentElement.dataset.persianDigits === "1" ? "fa-IR" : "en-US").format(counts[s]); }
    });
  }
  function refreshStates() {
    if (refreshTimer) { return; }
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      if (map && map.rasadRefreshPoints) { map.rasadRefreshPoints(); }
      fetch(map.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(applyStates);
    }, 300);
  }
  // A form open, or an action on its way (htmx marks the element whose request is pending): its
  // answer is swapped into its card, which a refresh must not have replaced meanwhile.
  var BUSY = "form[data-testid=assign-form], form[data-testid=escalate-form], .htmx-request";
  var SAID = "[data-testid=incident-notice], [data-testid=incident-error]";
  // What an action just said on its card ("acknowledged", a refusal) stays on the card that a
  // refresh draws anew: a refresh must not take the answer away from the person who acted.
  function keepSaid(html) {
    var said = {};
    incidents.querySelectorAll(SAID).forEach(function (node) {
      var card = node.closest("[data-case]");
      if (card) { (said[card.dataset.case] = said[card.dataset.case] || []).push(node); }
    });
    incidents.innerHTML = html;
    Object.keys(said).forEach(function (pk) {
      var card = incidents.querySelector("[data-case='" + pk + "']");
      if (!card || card.querySelector(SAID)) { return; }
      // Where the card's template writes them: after who works it (and where it went up).
      var lines = card.querySelectorAll("[data-testid=incident-assignee], [data-testid=incident-escalated]");
      lines[lines.length - 1].after.apply(lines[lines.length - 1], said[pk]);
    });
  }
  function refreshIncidents() {
    if (!incidents || incidentTimer) { return; }
    incidentTimer = setTimeout(function () {
      incidentTimer = null;
      // Someone is choosing an assignee or writing why a case goes up: do not pull the form from
      // under them; try again later.
      if (incidents.querySelector(BUSY)) { refreshIncidents(); return; }
      fetch(incidents.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (html === null || incidents.querySelector(BUSY)) { return; }
        keepSaid(html);
        if (window.htmx) { window.htmx.process(incidents); }
      });
    }, 1500);
  }
  function refetch() {
    fetch(feed.dataset.feed, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      feed.innerHTML = html;
    });
    refreshStates();
    refreshIncidents();
  }

  var url = feed.dataset.stream + "?last=" + encodeURIComponent(feed.dataset.last || "0");
  var source = new EventSource(url);
  // The stream replays missed events (Last-Event-ID) but not the pushes that only say "look
  // again" (live.device, live.outage): whenever it opens, the first time included (something may
  // have changed between the page's drawing and the stream's opening: review 20), the states and
  // incidents are read anew.
  source.onopen = function () {
    stateLabel.textContent = stateLabel.dataset.live;
    stateLabel.dataset.state = "live";
    refreshStates();
    refreshIncidents();
  };
  source.onerror = function () { stateLabel.textContent = stateLabel.dataset.lost; stateLabel.dataset.state = "lost"; };
  source.addEventListener("live.event", function (message) {
    var p = JSON.parse(message.data);
    addEvent(p);
    if (p.kind === "status_changed") { refreshStates(); }
    if (p.severity === "high") { refreshIncidents(); }
  });
  source.addEventListener("live.outage", refreshIncidents);
  source.addEventListener("live.device", refreshStates);
  source.addEventListener("refetch", refetch);
  feed.rasadStream = source; // for the browser tests, which play a reconnect
  window.addEventListener("pagehide", function () { source.close(); });
})();
