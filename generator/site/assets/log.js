/* The decision log: filters its table of records in place.

   Without this script the page is the whole table and the form stays hidden. Each row carries
   what it is filtered on (data-status, data-card, data-due); its text is what the words are
   looked for in. The filters live in the page address (?words=&status=&card=&due=), so a link,
   a reload and back/forward give the same rows, as on "Find a card". */
(function () {
  "use strict";

  var FIELDS = ["words", "status", "card", "due"];
  var onPage = window.tradeoffCards.onPage;
  var here = window.tradeoffCards.here;  // page.js

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function readForm(form) {
    var state = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      state[name] = field.type === "checkbox" ? (field.checked ? field.value : "") : field.value.trim();
    });
    return state;
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.forEach(function (name) { state[name] = params.get(name) || ""; });
    return state;
  }

  function fillForm(form, state) {
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field.type === "checkbox") {
        field.checked = state[name] === field.value;
      } else {
        field.value = state[name];
        if (field.tagName === "SELECT" && field.value !== state[name]) field.value = "";
      }
    });
  }

  function writeUrl(state) {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      if (state[name]) params.set(name, state[name]);
      else params.delete(name);
    });
    var query = params.toString();
    var url = here(query ? "?" + query : "", window.location.hash);
    if (url !== here(window.location.search, window.location.hash)) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  var current = null;

  function setup() {
    current = null;
    var form = document.querySelector("form[data-record-log]");
    var list = document.querySelector("[data-record-list]");
    var count = document.querySelector("[data-record-count]");
    if (!form || !list || !count) return;
    var rows = Array.prototype.slice.call(list.children);

    function show(state) {
      var wanted = fold(state.words).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var text = row.tcText || (row.tcText = fold(row.textContent));
        var keep = (!state.status || d.status === state.status) &&
          (!state.card || d.card === state.card) &&
          (!state.due || d.due === "yes") &&
          wanted.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      var all = rows.length + (rows.length === 1 ? " record" : " records");
      count.textContent = shown === rows.length
        ? all
        : shown + " of " + all + (shown === 1 ? " matches" : " match") +
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
