// The case form shows only the fields that belong to the chosen kind (risk matrix, incident
// location, directive deadline). Fields stay in the page, so the server validates them all.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=case-form]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  var byKind = {
    risk: ["likelihood", "impact", "treatment_plan"],
    incident: ["site", "latitude", "longitude"],
    directive: ["deadline", "origin"]
  };
  function toggle() {
    Object.keys(byKind).forEach(function (k) {
      byKind[k].forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input && input.closest(".mb-3")) { input.closest(".mb-3").hidden = kind.value !== k; }
      });
    });
  }
  kind.addEventListener("change", toggle);
  toggle();
})();
