/* The finder page: filters the full list of cards in place.

   Without this script the page is the full list and the form stays hidden. Each card's item
   carries what it is filtered on (data-category, data-undo, data-status, data-tags, data-payers);
   its visible title and summary are what the words are looked for in. The filters live in the
   page address (?words=&category=&payer=&undo=&status=&tag=), so a link, a reload and back/forward
   give the same list. Within undo cost and status any ticked value matches; every tag ticked must
   be carried; every word typed must appear. */
(function () {
  "use strict";

  var FIELDS = ["words", "category", "payer", "undo", "status", "tag"];
  var MULTI = { undo: true, status: true, tag: true };

  var onPage = window.tradeoffCards.onPage;
  var here = window.tradeoffCards.here;  // page.js

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return fold(text).split(/\s+/).filter(Boolean);
  }

  function readForm(form) {
    var state = {};
    FIELDS.forEach(function (name) {
      if (MULTI[name]) {
        state[name] = Array.prototype.filter.call(form.querySelectorAll("[name='" + name + "']"), function (box) {
          return box.checked;
        }).map(function (box) { return box.value; });
      } else {
        state[name] = form.elements.namedItem(name).value.trim();
      }
    });
    return state;
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.forEach(function (name) {
      var value = params.get(name) || "";
      state[name] = MULTI[name] ? value.split(",").filter(Boolean) : value;
    });
    return state;
  }

  function fillForm(form, state) {
    FIELDS.forEach(function (name) {
      if (MULTI[name]) {
        form.querySelectorAll("[name='" + name + "']").forEach(function (box) {
          box.checked = state[name].indexOf(box.value) >= 0;
        });
      } else {
        var field = form.elements.namedItem(name);
        field.value = state[name];
        if (field.tagName === "SELECT" && field.value !== state[name]) field.value = "";
      }
    });
    var tags = form.querySelector(".tc-finder__tags");
    if (tags && state.tag.length) tags.open = true;
  }

  function writeUrl(state) {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var value = MULTI[name] ? state[name].join(",") : state[name];
      if (value) params.set(name, value);
      else params.delete(name);
    });
    var query = params.toString();
    var url = here(query ? "?" + query : "", window.location.hash);
    if (url !== here(window.location.search, window.location.hash)) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function matches(item, state, wanted) {
    var d = item.dataset;
    if (state.category && d.category !== state.category) return false;
    if (state.undo.length && state.undo.indexOf(d.undo) < 0) return false;
    if (state.status.length && state.status.indexOf(d.status) < 0) return false;
    var tags = (d.tags || "").split(" ");
    if (!state.tag.every(function (t) { return tags.indexOf(t) >= 0; })) return false;
    if (state.payer && (d.payers || "").split(" ").indexOf(state.payer) < 0) return false;
    if (wanted.length) {
      var text = item.tcText || (item.tcText = fold(
        item.querySelector(".tc-tile__title").textContent + " " + item.querySelector(".tc-tile__summary").textContent
      ));
      if (!wanted.every(function (w) { return text.indexOf(w) >= 0; })) return false;
    }
    return true;
  }

  var current = null;

  function setup() {
    current = null;
    var form = document.querySelector("form[data-finder]");
    var list = document.querySelector("[data-finder-list]");
    var count = document.querySelector("[data-finder-count]");
    if (!form || !list || !count) return;
    var items = Array.prototype.slice.call(list.children);

    function show(state) {
      var wanted = words(state.words);
      var shown = 0;
      items.forEach(function (item) {
        var keep = matches(item, state, wanted);
        item.hidden = !keep;
        if (keep) shown += 1;
      });
      var cards = items.length + (items.length === 1 ? " card" : " cards");
      count.textContent = shown === items.length
        ? cards
        : shown + " of " + cards + (shown === 1 ? " matches" : " match") +
          (shown ? "" : ": loosen a filter to see more");
    }
    function fromForm() {
      var state = readForm(form);
      show(state);
      writeUrl(state);
    }
    function apply() {
      var state = readUrl();
      fillForm(form, state);
      show(readForm(form));
    }

    form.hidden = false;
    form.addEventListener("input", fromForm);
    form.addEventListener("change", fromForm);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(fromForm, 0); });
    current = { apply: apply };
    apply();
  }

  window.addEventListener("popstate", function () {
    if (current) current.apply();
  });

  onPage(setup);
})();
