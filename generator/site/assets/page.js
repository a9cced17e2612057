/* Behaviour every page shares: page state kept on in-page links, and printing.

   Pages keep some state in their address (the decision helper's ticks, the finder's filters).
   Material's instant navigation turns every link into an absolute address when a page loads, so a
   table-of-contents link would carry the address of that moment and drop later changes: a click on
   a link to a place on the same page gets the page's current query first.

   Printing: follow-up answers are opened while printing, and links to other sites print their
   address (cards.css, @media print); links within the site are marked so that they do not. */
(function () {
  "use strict";

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

  // Shared with the other page scripts, which load after this one (see site/plan.py assets).
  window.tradeoffCards = { onPage: onPage, here: here };

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
})();
