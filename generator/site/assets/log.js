/* The decision log: filters its table of records in place.

   Without this script the page is the whole table and the form stays hidden. Each row carries
   what it is filtered on (data-status, data-card, data-due); its text is what the words are
   looked for in. The filters live in the page address (?words=&status=&card=&due=), so a link,
   a reload and back/forward give the same rows, as on "Find a card". */
(function () {
  "use strict";

  var fold = window.tradeoffCards.fold;  // page.js

  function keep(row, state, wanted) {
    var d = row.dataset;
    var text = row.tcText || (row.tcText = fold(row.textContent));
    return (!state.status || d.status === state.status) &&
      (!state.card || d.card === state.card) &&
      (!state.due || d.due === "yes") &&
      wanted.every(function (w) { return text.indexOf(w) >= 0; });
  }

  window.tradeoffCards.filterList({
    form: "form[data-record-log]",
    list: "[data-record-list]",
    count: "[data-record-count]",
    fields: ["words", "status", "card", "due"],
    noun: ["record", "records"],
    keep: keep
  });
})();
