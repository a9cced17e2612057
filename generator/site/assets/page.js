/* Behaviour every page shares: page state kept on in-page links, and printing.

   Pages keep some state in their address (the decision helper's ticks, the finder's filters).
   Material's instant navigation turns every link into an absolute address when a page loads, so a
   table-of-contents link would carry the address of that moment and drop later changes: a click on
   a link to a place on the same page gets the page's current query first.

   Printing: follow-up answers are opened while printing, and links to other sites print their
   address (cards.css, @media print); links within the site are marked so that they do not.

   Search: a box in the header. Nothing of the search is fetched until the reader focuses the box
   or presses / or s; then search/search.js and the index's first files load (search.js). */
(function () {
  "use strict";

  // The site's root, from this script's own address (assets/tradeoff-cards/page.js).
  var script = document.currentScript;
  var siteBase = script && script.src ? new URL("../../", script.src).href : new URL("/", window.location.href).href;

  function onPage(fn) {
    // Material's instant navigation swaps the page without reloading scripts: document$ emits
    // once per page. Without it, run once the document is parsed.
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { fn(); });
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // This page's address with another query and fragment. Always absolute, from the scheme and
  // host: a path alone that starts with "//" (a site served under such a path) would be read
  // as another host's address.
  function here(search, hash) {
    var loc = window.location;
    return loc.protocol + "//" + loc.host + loc.pathname + (search || "") + (hash || "");
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* A list filtered in place by a form whose values live in the page address, so a link, a
     reload and back/forward give the same list ("Find a card", the decision log). `spec`: form,
     list and count (selectors); fields (the form's names, also the address's keys); multi (the
     names of checkbox groups, any number ticked, comma-joined in the address); noun (singular
     and plural, for the count); keep(item, state, words) says whether an item stays; filled
     (optional) runs after the form took the address's values. Without script the form stays
     hidden and the list whole. */
  function filterList(spec) {
    var multi = spec.multi || {};

    function readForm(form) {
      var state = {};
      spec.fields.forEach(function (name) {
        if (multi[name]) {
          state[name] = Array.prototype.filter.call(form.querySelectorAll("[name='" + name + "']"), function (box) {
            return box.checked;
          }).map(function (box) { return box.value; });
          return;
        }
        var field = form.elements.namedItem(name);
        state[name] = field.type === "checkbox" ? (field.checked ? field.value : "") : field.value.trim();
      });
      return state;
    }

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      var state = {};
      spec.fields.forEach(function (name) {
        var value = params.get(name) || "";
        state[name] = multi[name] ? value.split(",").filter(Boolean) : value;
      });
      return state;
    }

    function fillForm(form, state) {
      spec.fields.forEach(function (name) {
        if (multi[name]) {
          form.querySelectorAll("[name='" + name + "']").forEach(function (box) {
            box.checked = state[name].indexOf(box.value) >= 0;
          });
          return;
        }
        var field = form.elements.namedItem(name);
        if (field.type === "checkbox") {
          field.checked = state[name] === field.value;
        } else {
          field.value = state[name];
          if (field.tagName === "SELECT" && field.value !== state[name]) field.value = "";
        }
      });
      if (spec.filled) spec.filled(form, state);
    }

    function writeUrl(state) {
      var params = new URLSearchParams(window.location.search);
      spec.fields.forEach(function (name) {
        var value = multi[name] ? state[name].join(",") : state[name];
        if (value) params.set(name, value);
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
      var form = document.querySelector(spec.form);
      var list = document.querySelector(spec.list);
      var count = document.querySelector(spec.count);
      if (!form || !list || !count) return;
      var items = Array.prototype.slice.call(list.children);

      function show(state) {
        var wanted = fold(state.words).split(/\s+/).filter(Boolean);
        var shown = 0;
        items.forEach(function (item) {
          var keep = spec.keep(item, state, wanted);
          item.hidden = !keep;
          if (keep) shown += 1;
        });
        var all = items.length + " " + spec.noun[items.length === 1 ? 0 : 1];
        count.textContent = shown === items.length
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
        fillForm(form, readUrl());
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
  }

  // Shared with the other page scripts, which load after this one (see site/plan.py assets).
  window.tradeoffCards = {
    onPage: onPage, here: here, siteBase: siteBase, fold: fold, filterList: filterList
  };

  document.addEventListener("click", function (event) {
    var a = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!a || a.origin !== window.location.origin || a.pathname !== window.location.pathname) return;
    if (a.hash && a.search !== window.location.search) {
      a.href = here(window.location.search, a.hash);
    }
  }, true);

  function markInternalLinks() {
    document.querySelectorAll(".md-content a[href]").forEach(function (a) {
      if (a.origin === window.location.origin) a.setAttribute("data-tc-internal", "");
    });
  }

  var opened = [];
  window.addEventListener("beforeprint", function () {
    markInternalLinks();
    opened = Array.prototype.filter.call(document.querySelectorAll(".md-content details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  onPage(markInternalLinks);

  // A link to a group of a folded list ("By who pays", #role-…) opens the group.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var holder = target && target.matches("dt") ? target.nextElementSibling : target;
    var folded = holder && (holder.matches("details") ? holder : holder.querySelector("details"));
    if (folded) folded.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  onPage(openTarget);

  function searchBox() {
    var box = document.createElement("div");
    box.className = "tc-search";
    box.setAttribute("role", "search");
    box.setAttribute("data-search", "");
    var input = document.createElement("input");
    input.type = "search";
    input.id = "tc-search-input";
    input.className = "tc-search__input";
    input.placeholder = "Search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("aria-label", "Search the cards (press / or s)");
    input.setAttribute("aria-controls", "tc-search-panel");
    input.setAttribute("aria-keyshortcuts", "/ s");
    var panel = document.createElement("div");
    panel.className = "tc-search__panel";
    panel.id = "tc-search-panel";
    panel.hidden = true;
    panel.setAttribute("data-search-panel", "");
    var filters = document.createElement("div");
    filters.className = "tc-search__filters";
    filters.setAttribute("data-search-filters", "");
    var status = document.createElement("p");
    status.className = "tc-search__status";
    status.setAttribute("role", "status");
    status.setAttribute("data-search-status", "");
    var list = document.createElement("ol");
    list.className = "tc-search__results";
    list.setAttribute("data-search-results", "");
    list.setAttribute("aria-label", "Search results");
    var finder = document.createElement("a");
    finder.className = "tc-search__finder";
    finder.setAttribute("data-search-finder", "");
    finder.href = siteBase + "browse/finder/";
    finder.textContent = "Open in Find a card";
    panel.append(filters, status, list, finder);
    box.append(input, panel);
    return box;
  }

  var searchScript = null;

  function openSearch(box) {
    var input = box.querySelector("input[type=search]");
    box.classList.add("tc-search--open");
    box.querySelector("[data-search-panel]").hidden = false;
    if (window.tradeoffCards.setupSearch) {
      window.tradeoffCards.setupSearch(box);
      return;
    }
    if (!searchScript) {
      searchScript = document.createElement("script");
      searchScript.src = siteBase + "assets/tradeoff-cards/search/search.js";
      document.head.appendChild(searchScript);
    }
    searchScript.addEventListener("load", function () { window.tradeoffCards.setupSearch(box); });
  }

  function closeSearch(box) {
    box.classList.remove("tc-search--open");
    box.querySelector("[data-search-panel]").hidden = true;
  }
  window.tradeoffCards.closeSearch = closeSearch;

  onPage(function () {
    var header = document.querySelector("header .md-header__inner") || document.querySelector("header");
    if (!header || header.querySelector("[data-search]")) return;
    // A theme's own search box (Material's search plugin, if a site still lists it) gives way.
    header.querySelectorAll(".md-search, label[for='__search']").forEach(function (node) { node.remove(); });
    var box = searchBox();
    header.insertBefore(box, header.querySelector(".md-header__source"));
    box.querySelector("input").addEventListener("focus", function () { openSearch(box); });
    box.addEventListener("focusout", function (event) {
      if (!box.contains(event.relatedTarget)) closeSearch(box);
    });
  });

  // A "Search" link in a page (the home page's) opens the box in the header; without script it
  // leads to "Browse", which tells where the box is.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-open-search]") : null;
    var input = document.querySelector("[data-search] input[type=search]");
    if (!link || !input) return;
    event.preventDefault();
    input.focus();
  });

  // / and s open the search from anywhere but a field (before the theme's own shortcuts).
  window.addEventListener("keydown", function (event) {
    if (event.key !== "/" && event.key !== "s") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    var input = document.querySelector("[data-search] input[type=search]");
    if (!input) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    input.focus();
  }, true);
})();
