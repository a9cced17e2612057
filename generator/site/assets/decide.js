/* The decision helper and "Record this decision" on a card page.

   The helper is built from the page itself: each item of the comparison's "Best when" and
   "Signals that point here" rows gets a checkbox where it is read, its text (DOM nodes, never
   HTML text) as the label; the helper's block, after the comparison, shows the lean. Ticks live
   in the URL (?tick=<option>:b<n>,<option>:s<n>), so a link, a reload and back/forward give the
   same ticks.

   The lean: ticks are counted per option; an option leads when it has at least two thirds of all
   ticks (with one or two options' worth of ticks spread evenly, none does). The helper's root
   carries data-leading-option="<key>", empty when nothing is ticked or the lean is unclear.

   The record is joined from parts computed at build time (generator/site/adr.py, embedded as JSON
   in a <template>) exactly as adr.compose joins them; only the title the reader types is escaped
   here, by mdText, the mirror of adr.md_text. */
(function () {
  "use strict";

  var PARAM = "tick";

  var onPage = window.tradeoffCards.onPage;
  var here = window.tradeoffCards.here;  // page.js

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else if (key === "className") node.className = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  // ------------------------------------------------------------------ ticks in the URL

  function ticksInUrl() {
    var value = new URLSearchParams(window.location.search).get(PARAM) || "";
    return value.split(",").filter(Boolean);
  }

  function writeUrl(ids) {
    var params = new URLSearchParams(window.location.search);
    params.delete(PARAM);
    var query = params.toString();
    // option keys are [a-z0-9-]; ":" and "," are left readable
    if (ids.length) query += (query ? "&" : "") + PARAM + "=" + ids.join(",");
    var url = here(query ? "?" + query : "", window.location.hash);
    if (url !== here(window.location.search, window.location.hash)) {
      // keep history.state: Material's instant navigation keeps the scroll position there
      window.history.replaceState(window.history.state, "", url);
    }
  }

  // ------------------------------------------------------------------ the lean

  function lean(counts) {
    var total = 0, top = null;
    counts.forEach(function (c) {
      total += c.count;
      if (top === null || c.count > top.count) top = c;
    });
    if (!total) return { total: 0, leader: null };
    var tied = counts.filter(function (c) { return c.count === top.count; }).length > 1;
    var clear = !tied && 3 * top.count >= 2 * total;
    return { total: total, leader: clear ? top : null };
  }

  // ------------------------------------------------------------------ the record

  var BLOCK_START = /^(?:#{1,6}(?= |$)|>|[-+*](?= |$)|`{3,}|~{3,}|\[[^\]]+\]:)/;
  var THEMATIC_BREAK = /^([-*_])(?: *\1){2,} *$/;

  // safeLinks mirrors adr.safe_links: http, https, mailto and relative links stay links, an
  // image becomes a link to a safe address or its alt text, anything else its text.
  var INLINE_LINK = /(!?)\[((?:[^\[\]\\]|\\[\s\S])*)\]\( *(<[^<>]*>|(?:[^ ()\\]|\\[\s\S]|\([^ ()]*\))*)(?: +(?:"[^"]*"|'[^']*'|\([^()]*\)))? *\)/g;
  var SAFE_SCHEME = /^(?:[Hh][Tt][Tt][Pp][Ss]?:\/\/|[Mm][Aa][Ii][Ll][Tt][Oo]:)/;
  var SCHEME_LIKE = /^[^\/?#]*:/;
  var KEPT = /\ue000([0-9]+)\ue001/g;

  function safeAddress(address) {
    if (address.charAt(0) === "<" && address.charAt(address.length - 1) === ">") address = address.slice(1, -1);
    if (SAFE_SCHEME.test(address)) return true;
    return !(address.slice(0, 2) === "//" || SCHEME_LIKE.test(address) ||
      address.indexOf("&") >= 0 || address.indexOf("\\") >= 0);
  }

  function safeLinks(line) {
    var kept = [];
    function settle(match, image, text, address) {
      if (!safeAddress(address)) return text;
      if (image) text = text || "image";
      kept.push("[" + text + "](" + address + ")");
      return "\ue000" + (kept.length - 1) + "\ue001";
    }
    for (;;) {
      var reduced = line.replace(INLINE_LINK, settle);
      if (reduced === line) break;
      line = reduced;
    }
    line = line.replace(/\]\(/g, "]\\(");
    while (line.search(KEPT) >= 0) line = line.replace(KEPT, function (m, n) { return kept[Number(n)]; });
    return line;
  }

  function mdText(text) {
    var line = String(text).replace(/[ \t\n\r\f\v]+/g, " ").replace(/^ +| +$/g, "");
    line = safeLinks(line.replace(/[\ue000\ue001]/g, ""));
    line = line.replace(/&(?=#?[0-9A-Za-z]+;)/g, "&amp;").replace(/</g, "&lt;");
    if (BLOCK_START.test(line) || THEMATIC_BREAK.test(line)) line = "\\" + line;
    else line = line.replace(/^([0-9]{1,9})([.)])(?= |$)/, "$1\\$2");
    return line.replace(/ (#+)$/, " \\$1");
  }

  function compose(parts, chosen, day, title, signals, against, status) {
    var heading = mdText(title || "") || parts.titles[chosen];
    return "---\nstatus: " + (status || parts.status) + "\ndate: " + day + "\ncard: " +
      parts.card_id + "\noption: " + chosen + "\n---\n\n# " + heading + "\n\n" +
      parts.context +
      signals.map(function (s) { return "* " + parts.signal_prefix + s + "\n"; }).join("") +
      against.map(function (s) { return "* " + parts.against_prefix + s + "\n"; }).join("") +
      parts.considered + parts.outcomes[chosen] + parts.more + parts.sources[chosen];
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // ------------------------------------------------------------------ building the helper

  function optionsOf(table) {
    return Array.prototype.map.call(table.querySelectorAll("thead th[id^='option-']"), function (th) {
      var name = th.querySelector(".tc-option-name") || th;
      return { key: th.id.slice("option-".length), name: name.textContent.trim() };
    });
  }

  function itemsOf(table, row, key) {
    var cell = table.querySelector("tr." + row + " > td[data-option-key='" + CSS.escape(key) + "']");
    return cell ? Array.prototype.slice.call(cell.querySelectorAll(":scope > ul > li")) : [];
  }

  // Each condition and signal of an option gets its checkbox where it is read, in the
  // comparison: its text (moved, not copied, so a citation keeps its only id) becomes the label.
  function ticks(table, option, kind, row) {
    return itemsOf(table, row, option.key).map(function (item, index) {
      var id = option.key + ":" + kind + index;
      var inputId = "tc-tick-" + option.key + "-" + kind + index;
      var box = el("input", {
        type: "checkbox", id: inputId, className: "tc-tick__box", "data-option": option.key, value: id
      });
      var text = el("label", { for: inputId, className: "tc-tick__text" });
      while (item.firstChild) text.append(item.firstChild);
      item.classList.add("tc-tick");
      item.append(box, text);
      return box;
    });
  }

  function build(root, table, options) {
    options.forEach(function (option) {
      ticks(table, option, "b", "tc-cells--best-when");
      ticks(table, option, "s", "tc-cells--signals");
    });
    table.classList.add("tc-compare--ticks");
    var verdict = el("p", { className: "tc-helper__verdict", role: "status", "aria-live": "polite" });
    var spread = el("ul", { className: "tc-helper__spread", "aria-label": "Ticks per option" });
    var clear = el("button", { type: "button", className: "md-button tc-helper__clear", text: "Clear the ticks" });
    var summary = el("div", { className: "tc-helper__summary" }, [verdict, spread, clear]);
    var intro = root.querySelector(".tc-helper__intro");
    if (intro) {
      intro.textContent = "Tick, in the comparison above, the conditions (\u201cBest when\u201d) and " +
        "the signals that hold in your context. Here you see how your ticks spread across the " +
        "options and which one they lean to: an option leads when it has at least two thirds of " +
        "them. The ticks are kept in the page address, so a link to this page brings them along.";
    }
    root.append(summary);
    return { verdict: verdict, spread: spread, clear: clear };
  }

  function link(href, text) {
    return el("a", { href: href, text: text });
  }

  function showLean(root, view, result, counts) {
    var verdict = view.verdict, spread = view.spread;
    root.setAttribute("data-leading-option", result.leader ? result.leader.key : "");
    root.classList.toggle("tc-helper--ticked", result.total > 0);
    verdict.replaceChildren();
    if (!result.total) {
      verdict.append("Nothing ticked yet.");
    } else if (result.leader) {
      verdict.append("Your context leans to ", el("strong", { text: result.leader.name }), ": " +
        (result.total === 1 ? "your 1 tick points to it."
          : result.leader.count + " of your " + result.total + " ticks point to it."));
    } else {
      verdict.append(el("strong", { text: "No clear lean." }), " Your ticks spread across the " +
        "options and none has two thirds of them.");
      var combining = document.getElementById("combining");
      var litmus = document.getElementById("litmus-test");
      if (combining) verdict.append(" Read ", link("#combining", "Combining them"), ": the options may work together.");
      if (litmus) verdict.append(" Then settle it with the ", link("#litmus-test", "litmus test"), ".");
      if (!combining && !litmus) verdict.append(" Go through the ", link("#questions", "questions to ask in the room"), ".");
    }
    spread.replaceChildren();
    counts.forEach(function (c) {
      var share = result.total ? Math.round((100 * c.count) / result.total) : 0;
      var fill = el("span", { className: "tc-helper__fill" });
      fill.style.width = share + "%";
      var item = el("li", {}, [
        el("span", { className: "tc-helper__bar-name", text: c.name }),
        el("span", { className: "tc-helper__bar", "aria-hidden": "true" }, [fill]),
        el("span", { className: "tc-helper__bar-count", text: c.count + (c.count === 1 ? " tick" : " ticks") }),
      ]);
      if (result.leader && result.leader.key === c.key) item.className = "tc-helper__lead";
      spread.append(item);
    });
  }

  // ------------------------------------------------------------------ the record form

  function recordForm(block, parts, options, state) {
    var select = el("select", { name: "option" });
    options.forEach(function (option) { select.append(new Option(option.name, option.key)); });
    var title = el("input", { type: "text", name: "title", placeholder: parts.titles[options[0].key] });
    var date = el("input", { type: "date", name: "date", value: today(), required: "" });
    var download = el("button", { type: "submit", className: "md-button md-button--primary", text: "Download the record" });
    var preview = el("code", { "data-record-preview": "" });
    var form = el("form", { className: "tc-record__form", "aria-label": "Record this decision" }, [
      el("label", {}, ["Option chosen ", select]),
      el("label", {}, ["Title ", title]),
      el("label", {}, ["Date ", date]),
      el("p", {}, [download]),
    ]);
    var details = el("details", { className: "tc-record__preview" }, [
      el("summary", { text: "Preview the record" }),
      el("pre", {}, [preview]),
    ]);
    block.append(form, details);

    // The ticks that point to the option chosen are its drivers; the others were considered
    // against it. Until the reader picks the option (it follows the lean), the record is a
    // proposal.
    function text() {
      var chosen = select.value;
      return compose(parts, chosen, date.value || today(), title.value, state.signals(chosen, true),
        state.signals(chosen, false), state.chosenByReader ? "" : "proposed");
    }
    function refresh() {
      title.placeholder = parts.titles[select.value];
      preview.textContent = text();
    }
    select.addEventListener("change", function () { state.chosenByReader = true; refresh(); });
    title.addEventListener("input", refresh);
    date.addEventListener("input", refresh);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var blob = new Blob([text()], { type: "text/markdown;charset=utf-8" });
      var a = el("a", { href: URL.createObjectURL(blob), download: parts.card_id + "-" + select.value + ".md" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
    return {
      follow: function (leader) {
        if (!state.chosenByReader && leader) select.value = leader;
        refresh();
      },
    };
  }

  // ------------------------------------------------------------------ wiring

  var current = null; // the helper of the page on screen

  function setup() {
    current = null;
    var root = document.querySelector("[data-decision-helper]");
    var table = document.querySelector("table.tc-compare");
    if (!root || !table || table.querySelector("input[data-option]")) return;
    var options = optionsOf(table);
    if (!options.length) return;
    var view = build(root, table, options);
    var boxes = Array.prototype.slice.call(table.querySelectorAll("input[type=checkbox][data-option]"));

    var template = document.querySelector("[data-decision-record] template[data-record-parts]");
    var parts = null;
    try {
      parts = template ? JSON.parse(template.content.textContent) : null;
    } catch (error) {
      parts = null;
    }
    var state = {
      chosenByReader: false,
      signals: function (chosen, forIt) {
        return boxes.filter(function (b) {
          return b.checked && parts.ticks[b.value] &&
            (b.getAttribute("data-option") === chosen) === forIt;
        }).map(function (b) { return parts.ticks[b.value]; });
      },
    };
    var record = parts ? recordForm(template.parentNode, parts, options, state) : null;

    function update(writeState) {
      var counts = options.map(function (option) {
        var mine = boxes.filter(function (b) { return b.getAttribute("data-option") === option.key; });
        var ticked = mine.filter(function (b) { return b.checked; }).length;
        return { key: option.key, name: option.name, count: ticked };
      });
      var result = lean(counts);
      showLean(root, view, result, counts);
      if (writeState) writeUrl(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
      if (record) record.follow(result.leader ? result.leader.key : "");
    }
    function apply() {
      var wanted = ticksInUrl();
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
      update(false);
    }
    table.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox][data-option]")) update(true);
    });
    view.clear.addEventListener("click", function () {
      boxes.forEach(function (b) { b.checked = false; });
      update(true);
    });
    current = { apply: apply };
    apply();
  }

  // ------------------------------------------------------------------ the comparison's names

  /* The option names stay in view while the comparison is read. A bar above the table, in a
     frame around the table alone, sticks under the header: on a wide screen it shows once the
     table's own header has scrolled away, each name over its column and following the table
     when it scrolls sideways; on a phone it switches the table to one option at a time, so
     nothing scrolls sideways, every option is one tap away and its name is always on screen. */
  var PHONE = window.matchMedia("(max-width: 44.9375em)");

  function compareBar() {
    var table = document.querySelector("table.tc-compare");
    var wrap = table && table.closest(".tc-compare-wrap");
    if (!wrap || wrap.parentNode.classList.contains("tc-compare-frame")) return;
    var options = optionsOf(table);
    if (options.length < 2) return;
    var frame = el("div", { className: "tc-compare-frame" });
    wrap.parentNode.insertBefore(frame, wrap);
    var row = el("div", { className: "tc-compare-bar__row" });
    var buttons = options.map(function (option) {
      var button = el("button", {
        type: "button", className: "tc-compare-bar__option", "data-option": option.key, text: option.name
      });
      row.append(button);
      return button;
    });
    var bar = el("div", { className: "tc-compare-bar", role: "group", "aria-label": "Options compared" },
      [el("div", { className: "tc-compare-bar__track" }, [row])]);
    frame.append(bar, wrap);
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[id^='option-']"));
    var facets = Array.prototype.slice.call(table.querySelectorAll("tr.tc-facet > th"));
    var shown = options[0].key;
    var printing = false;

    function layout() {
      var one = PHONE.matches && !printing;
      frame.classList.toggle("tc-compare-frame--one", one);
      table.querySelectorAll("td[data-option-key]").forEach(function (cell) {
        cell.hidden = one && cell.getAttribute("data-option-key") !== shown;
      });
      heads.forEach(function (th) { th.hidden = one && th.id.slice(7) !== shown; });
      facets.forEach(function (th) { th.colSpan = one ? 1 : options.length; });
      buttons.forEach(function (button, index) {
        var on = one && button.getAttribute("data-option") === shown;
        if (one) button.setAttribute("aria-pressed", String(on));
        else button.removeAttribute("aria-pressed");  // there, a name takes you to its column
        button.style.width = one ? "" : heads[index].getBoundingClientRect().width + "px";
      });
      row.style.transform = one ? "" : "translateX(" + (-wrap.scrollLeft) + "px)";
      // a control the keyboard reaches is scrolled into view below the bar of names, not under it
      document.documentElement.style.scrollPaddingTop = one
        ? Math.ceil(bar.getBoundingClientRect().height + 56) + "px" : "";
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-option]");
      if (!button) return;
      shown = button.getAttribute("data-option");
      if (PHONE.matches) {
        layout();
        button.focus();
      } else {  // the column, brought into view
        var head = heads[buttons.indexOf(button)];
        wrap.scrollLeft = head.offsetLeft - (wrap.clientWidth - head.offsetWidth) / 2;
      }
    });
    wrap.addEventListener("scroll", function () {
      if (!PHONE.matches) row.style.transform = "translateX(" + (-wrap.scrollLeft) + "px)";
    }, { passive: true });
    // On a wide screen the names show once the table's own header has gone up under the header
    // of the page, and while the table is still in view.
    var pending = false;
    function follow() {
      pending = false;
      var header = bar.getBoundingClientRect().top;
      var gone = table.tHead.getBoundingClientRect().bottom <= header;
      var inView = table.getBoundingClientRect().bottom > header + bar.firstChild.offsetHeight;
      frame.classList.toggle("tc-compare-frame--names", gone && inView);
    }
    shownBar = {
      frame: frame,
      scrolled: function () {
        if (!pending) { pending = true; window.requestAnimationFrame(follow); }
      },
      layout: layout,
      print: function (on) { printing = on; layout(); },
    };
    follow();
    layout();
  }

  // The window's events reach the bar of the page on screen (Material's instant navigation
  // swaps pages without reloading this script): registered once, not once per page.
  var shownBar = null;
  function toBar(act) {
    return function () { if (shownBar && document.contains(shownBar.frame)) act(shownBar); };
  }
  window.addEventListener("scroll", toBar(function (b) { b.scrolled(); }), { passive: true });
  PHONE.addEventListener("change", toBar(function (b) { b.layout(); }));
  window.addEventListener("resize", toBar(function (b) { b.layout(); }));
  window.addEventListener("beforeprint", toBar(function (b) { b.print(true); }));
  window.addEventListener("afterprint", toBar(function (b) { b.print(false); }));

  // Back and forward within the page (same path, other ticks): Material leaves the page as it is.
  window.addEventListener("popstate", function () {
    if (current) current.apply();
  });

  onPage(setup);
  onPage(compareBar);
})();
