/* Behaviour every page shares: page state kept on in-page links.

   Pages keep some state in their address (the decision helper's ticks).
   Material's instant navigation turns every link into an absolute address when a page loads, so a
   table-of-contents link would carry the address of that moment and drop later changes: a click on
   a link to a place on the same page gets the page's current query first. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var a = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!a || a.origin !== window.location.origin || a.pathname !== window.location.pathname) return;
    if (a.hash && a.search !== window.location.search) {
      a.href = window.location.pathname + window.location.search + a.hash;
    }
  }, true);
})();
