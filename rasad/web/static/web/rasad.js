// Rasad page behaviour that is not a vendored library. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var root = document.documentElement;
  var persianDigits = root.dataset.persianDigits === "1";
  if (window.jalaliDatepicker) {
    window.jalaliDatepicker.startWatch({ persianDigits: persianDigits, autoReadOnlyInput: false, time: false });
    // Moving on to another field (Tab, or a phone keyboard's "next") closes the picker, which
    // would otherwise cover the fields and buttons below it on a narrow screen.
    var inPicker = function (element) {
      return element && element.closest && element.closest("[data-jdp], jdp-container");
    };
    document.addEventListener("focusin", function (event) {
      if (!inPicker(event.target)) {
        window.jalaliDatepicker.hide();
        // The picker's show() shows it once more on a 300 ms timer, so a field left sooner than
        // that (a quick Tab) would get the picker back over the form: hide it again after it.
        window.setTimeout(function () {
          if (!inPicker(document.activeElement)) { window.jalaliDatepicker.hide(); }
        }, 350);
      }
    });
  }
  // A file field shows the browser's own button and words ("Choose File", "No file chosen"), in
  // the browser's language, not the page's: each one is dressed in a button and a line of the
  // page's own words. The field itself stays, transparent, over them: a tap or a keyboard opens
  // the browser's file chooser as before, and the form sends it as before.
  function dressFileFields(scope) {
    scope.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.closest(".file-picker")) { return; }
      var picker = document.createElement("div");
      picker.className = "file-picker";
      var button = document.createElement("span");
      button.className = "btn btn-outline-secondary btn-sm file-picker-button";
      button.setAttribute("aria-hidden", "true");
      button.innerHTML = '<i class="bi bi-paperclip"></i> ';
      button.appendChild(document.createTextNode(root.dataset.fileChoose || "Choose a file"));
      var name = document.createElement("span");
      name.className = "file-picker-name text-muted";
      name.setAttribute("aria-hidden", "true");
      var show = function () {
        var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
        name.textContent = names.length ? names.join("، ") : (root.dataset.fileNone || "No file chosen");
        // A file's own name is shown as written, in its own script.
        if (names.length) { name.setAttribute("translate", "no"); } else { name.removeAttribute("translate"); }
        name.classList.toggle("text-muted", !names.length);
      };
      input.parentNode.insertBefore(picker, input);
      picker.appendChild(button);
      picker.appendChild(name);
      picker.appendChild(input);
      input.addEventListener("change", show);
      show();
    });
  }
  dressFileFields(document);
  // A form sent in place (htmx) and refused comes back without the files chosen in it: a browser
  // never fills a file field itself. On a phone that is three documents to find again, or photos
  // to take again. Each chosen file the refusal does not name (no [data-field-error] for its
  // field) is kept: its field, files and all, takes the place of the empty one that came back.
  var keptFiles = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var sent = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = sent && sent.closest ? sent.closest("form") : null;
    keptFiles = [];
    if (!form) { return; }
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.files && input.files.length && input.name) { keptFiles.push(input); }
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    keptFiles.forEach(function (input) {
      var name = CSS.escape(input.name);
      var fresh = document.querySelector("main input[type=file][name=" + name + "]");
      if (!fresh || fresh === input || document.querySelector("main [data-field-error=" + name + "]")) { return; }
      var old = input.closest(".file-picker") || input;
      (fresh.closest(".file-picker") || fresh).replaceWith(old);
    });
    keptFiles = [];
  });
  document.addEventListener("htmx:load", function (event) { dressFileFields(event.target); });
  // htmx fires "load" on swapped content only once it settles, a moment after the swap: a swap
  // is dressed in the same task that made it, so the bare field is never seen.
  document.addEventListener("htmx:afterSwap", function () { dressFileFields(document); });
  // A form swapped in place (an attachment, a comment, an application) says what it recorded, or
  // what to correct, at the top of the page or of the form, as the page a plain form would have
  // loaded: on a phone, scrolled down to the form's button, that is out of sight, and it is
  // brought into view (docs/development/conventions.md, "Phones").
  document.addEventListener("htmx:afterSettle", function () {
    var said = document.querySelector("main [data-flash], main [role=alert]");
    if (said && said.getBoundingClientRect().top < 0) { said.scrollIntoView({ block: "start" }); }
  });
  // A form with data-confirm asks first (inline onclick handlers are blocked by the CSP).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  if (window.htmx) {
    // Forms with hx-post/hx-get swap the page's <main> in place. A form with errors comes back
    // with 400 and must be shown (htmx leaves 4xx alone by default); server errors are not.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "...", swap: false, error: true }
    ];
    // The CSRF header comes from <body hx-headers>; the date picker watches the whole document,
    // so inputs swapped in later get it too.
  }
})();
