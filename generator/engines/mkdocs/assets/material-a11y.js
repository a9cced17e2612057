/* Accessible names for two Material widgets that have a role but no name (axe: aria-dialog-name,
   aria-progressbar-name). Runs on first load and after every instant-navigation swap. */
(function () {
  "use strict";
  var names = [
    ['.md-search[role="dialog"]', "Search"],
    ['.md-progress[role="progressbar"]', "Loading page"]
  ];
  function label() {
    names.forEach(function (pair) {
      document.querySelectorAll(pair[0] + ":not([aria-label])").forEach(function (el) {
        el.setAttribute("aria-label", pair[1]);
      });
    });
  }
  label();
  new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
})();
