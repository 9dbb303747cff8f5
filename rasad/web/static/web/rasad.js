// Rasad page behaviour that is not a vendored library. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var root = document.documentElement;
  var persianDigits = root.dataset.persianDigits === "1";
  if (window.jalaliDatepicker) {
    window.jalaliDatepicker.startWatch({ persianDigits: persianDigits, autoReadOnlyInput: false, time: false });
  }
})();
