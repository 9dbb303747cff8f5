// Intake review page: a highlight shows its proposal, a proposal shows its highlights.
(function () {
  "use strict";
  const marks = Array.from(document.querySelectorAll("mark.ik"));
  const cards = Array.from(document.querySelectorAll(".intake-card"));
  function activate(id) {
    marks.forEach(function (m) { m.classList.toggle("is-active", m.dataset.proposals.split(" ").indexOf(id) >= 0); });
    cards.forEach(function (c) { c.classList.toggle("is-active", c.dataset.proposal === id); });
  }
  marks.forEach(function (mark) {
    mark.addEventListener("click", function () {
      const ids = mark.dataset.proposals.split(" ");
      const id = ids[ids.length - 1];
      activate(id);
      const card = document.getElementById("proposal-" + id);
      if (card) { card.scrollIntoView({ behavior: "smooth", block: "center" }); }
    });
  });
  cards.forEach(function (card) {
    card.addEventListener("mouseenter", function () { activate(card.dataset.proposal); });
    card.addEventListener("focusin", function () {
      activate(card.dataset.proposal);
      const first = marks.find(function (m) { return m.classList.contains("is-active"); });
      if (first) { first.scrollIntoView({ block: "nearest" }); }
    });
  });
})();
