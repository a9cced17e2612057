/* The finder page: filters the full list of cards in place.

   Without this script the page is the full list and the form stays hidden. Each card's item
   carries what it is filtered on (data-category, data-undo, data-status, data-tags, data-payers);
   its title, summary, tags and keywords are what the words are looked for in. The filters live in the
   page address (?words=&category=&payer=&undo=&status=&tag=), so a link, a reload and back/forward
   give the same list. Within undo cost and status any ticked value matches; every tag ticked must
   be carried; every word typed must appear. */
(function () {
  "use strict";

  var fold = window.tradeoffCards.fold;  // page.js

  function keep(item, state, wanted) {
    var d = item.dataset;
    if (state.category && d.category !== state.category) return false;
    if (state.undo.length && state.undo.indexOf(d.undo) < 0) return false;
    if (state.status.length && state.status.indexOf(d.status) < 0) return false;
    var tags = (d.tags || "").split(" ");
    if (!state.tag.every(function (t) { return tags.indexOf(t) >= 0; })) return false;
    if (state.payer && (d.payers || "").split(" ").indexOf(state.payer) < 0) return false;
    if (wanted.length) {
      var text = item.tcText || (item.tcText = fold(
        item.querySelector(".tc-tile__title").textContent + " " + item.querySelector(".tc-tile__summary").textContent +
        " " + (d.tags || "") + " " + (d.tags || "").replace(/-/g, " ") + " " + (d.keywords || "")
      ));
      if (!wanted.every(function (w) { return text.indexOf(w) >= 0; })) return false;
    }
    return true;
  }

  window.tradeoffCards.filterList({
    form: "form[data-finder]",
    list: "[data-finder-list]",
    count: "[data-finder-count]",
    fields: ["words", "category", "payer", "undo", "status", "tag"],
    multi: { undo: true, status: true, tag: true },
    noun: ["card", "cards"],
    keep: keep,
    filled: function (form, state) {
      var tags = form.querySelector(".tc-finder__tags");
      if (tags && state.tag.length) tags.open = true;
    }
  });
})();
