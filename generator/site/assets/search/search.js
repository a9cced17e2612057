/* The site search, loaded only when a reader opens the search box (page.js loads it).

   The index is Pagefind's, written beside the site at pagefind/: this script imports its
   pagefind.js, which fetches the index chunks for the words typed and nothing else. The index
   has two tiers (generator/site/search_index.py): a quick one holding what a reader names a card
   by, searched first so that results show after a few small files, and the full text, which
   adds the pages it finds besides after them. Results are grouped by page (the page, then its matching
   sections), each card with its category and undo cost. Every piece of text shown is set with
   textContent; Pagefind's excerpts mark the matched words with <mark>, so an excerpt is split on
   those marks and rebuilt as text and <mark> elements, never parsed as HTML. */
(function () {
  "use strict";

  var shared = window.tradeoffCards || (window.tradeoffCards = {});
  var base = shared.siteBase;
  // Words every second title or question shares: on their own they do not tell cards apart.
  var QUIET = ["vs", "versus", "or", "and", "the", "a", "an", "of", "to", "for", "in", "on",
    "with", "is", "are", "be", "do", "does", "we", "our", "my", "i", "how", "what", "when",
    "which", "should", "too", "than", "it", "its", "us", "vs.", "v", "between", "choose"];
  // On equal matches a card comes before a failure mode, and both before any other page.
  var KIND_FACTOR = { decision: 1, "failure-mode": 0.97 };
  var SHOWN = 10;
  var FROM_TEXT = 5;  // pages the full text adds after those found by name
  var EXCERPT_WORDS = 22;
  // Each tier is a language of the index (search_index.py: FULL_LANGUAGE, QUICK_LANGUAGE), and
  // the quick tier's pages sit under a folder of their own (QUICK_PREFIX).
  var LANGUAGES = { quick: "en-x-quick", full: "en" };
  var QUICK_PREFIX = "tc-quick/";
  var engine = null;  // Pagefind's module
  var loading = {};
  var sequence = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Pagefind picks an instance's index by the page's language when the instance is created;
  // the page names the tier's language for that moment (nothing is drawn in between).
  function instance(tier) {
    var root = document.documentElement;
    var language = root.getAttribute("lang");
    root.setAttribute("lang", LANGUAGES[tier]);
    try {
      return engine.createInstance({
        basePath: base + "pagefind/",
        baseUrl: new URL(base).pathname,
        excerptLength: EXCERPT_WORDS,
        // Searching takes milliseconds on the page itself; a worker would be one more script
        // to fetch before the first result.
        noWorker: true
      });
    } finally {
      if (language === null) root.removeAttribute("lang");
      else root.setAttribute("lang", language);
    }
  }

  // The full tier's other parts (search_index.py: PARTS), each merged into its instance once
  // it is ready: the indexer takes a large collection's full text in parts, to hold less at once.
  function merged(made, ready) {
    var listed = fetch(base + "pagefind/tc-parts.json").then(function (response) {
      if (!response.ok) throw new Error("search index parts: HTTP " + response.status);
      return response.json();
    });
    return Promise.all([listed, ready]).then(function (both) {
      return Promise.all(both[0].parts.map(function (part) {
        return made.mergeIndex(base + "pagefind/" + part, {
          language: LANGUAGES.full,
          baseUrl: new URL(base).pathname,
          excerptLength: EXCERPT_WORDS
        });
      }));
    }).then(function () { return made; });
  }

  // A browser keeps a failed module import for the page's life: a download that failed is
  // tried again under another address (Pagefind finds its files from the path alone).
  var failedImports = 0;

  function importEngine() {
    var query = failedImports ? "?retry=" + failedImports : "";
    return import(base + "pagefind/pagefind.js" + query).catch(function (error) {
      failedImports += 1;
      throw error;
    });
  }

  function load(tier) {
    if (!loading[tier]) {
      loading[tier] = (engine ? Promise.resolve(engine) : importEngine())
        .then(function (module) {
          engine = module;
          var made = instance(tier);
          var ready = made.init();
          return tier === "full" ? merged(made, ready) : ready.then(function () { return made; });
        }).catch(function (error) {
          // A failed download is not the end of the search: the next query tries again.
          loading[tier] = null;
          throw error;
        });
    }
    return loading[tier];
  }

  // A result's address as the site has it: the quick tier's pages sit under QUICK_PREFIX.
  function address(url) {
    var at = url.indexOf(QUICK_PREFIX);
    var root = new URL(base).pathname;
    return at === root.length && url.slice(0, at) === root ? root + url.slice(at + QUICK_PREFIX.length) : url;
  }

  function terms(query) {
    return query.toLowerCase().split(/[^\p{L}\p{N}+#.-]+/u).map(function (word) {
      return word.replace(/^[.-]+|[.-]+$/g, "");
    }).filter(function (word) { return word.length > 1 && QUIET.indexOf(word) < 0; });
  }

  function decode(text) {
    return text.replace(/&(lt|gt|quot|#39|#x27|amp);/g, function (_, name) {
      return { lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", amp: "&" }[name];
    });
  }

  // An excerpt as nodes: the text between Pagefind's <mark> and </mark> becomes a <mark>.
  function excerpt(html) {
    var node = el("span", "tc-search__excerpt");
    html.replace(/<(?!\/?mark>)[^>]*>/g, "").split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (part) node.appendChild(marked ? el("mark", "", decode(part)) : document.createTextNode(decode(part)));
      return marked;
    }, false);
    return node;
  }

  // Every result of each word, summed: a page with most of the words ranks first, and a query
  // with one word no page holds still finds the pages with the others. A word found on many
  // pages ("making", "worse") counts for less than one found on few ("retries").
  function search(pagefind, words) {
    var whole = pagefind.search(words.join(" "));
    if (words.length < 2) return whole.then(function (r) { return r.results; });
    return Promise.all([whole].concat(words.map(function (w) { return pagefind.search(w); })))
      .then(function (all) {
        var byId = {};
        var most = Math.max.apply(null, all.map(function (r) { return r.results.length; }));
        all.forEach(function (response, index) {
          var rarity = Math.log(1 + (2 * most + 1) / (response.results.length + 1));
          response.results.forEach(function (result) {
            var seen = byId[result.id] || (byId[result.id] = { result: result, score: 0, hits: 0 });
            if (index === 0) { seen.score += 2 * result.score; seen.result = result; }
            else { seen.score += rarity * result.score; seen.hits += 1; }
          });
        });
        return Object.keys(byId).map(function (id) { return byId[id]; }).sort(function (a, b) {
          return b.score - a.score;
        }).map(function (seen) { seen.result.score = seen.score; return seen.result; });
      });
  }

  function resultItem(data, words) {
    var meta = data.meta || {};
    var item = el("li", "tc-search__item");
    var link = el("a", "tc-search__link");
    link.href = address(data.url);
    link.appendChild(el("span", "tc-search__title", meta.title || data.url));
    var facts = [];
    if (meta.kind === "decision") {
      if (meta.category) facts.push(meta.category);
      if (meta.undo) facts.push("Undo cost: " + meta.undo);
      if (meta.status && meta.status !== "published") facts.push(meta.status);
    } else if (meta.kind === "failure-mode") {
      facts.push("Failure mode");
    }
    if (facts.length) link.appendChild(el("span", "tc-search__facts", facts.join(" · ")));
    var sections = (data.sub_results || []).filter(function (sub) {
      return sub.url !== data.url && sub.url.indexOf("#") > 0;
    }).slice(0, 3);
    if (!sections.length) link.appendChild(excerpt(data.excerpt || ""));
    item.appendChild(link);
    if (sections.length) {
      var list = el("ul", "tc-search__sections");
      sections.forEach(function (sub) {
        var entry = el("li");
        var a = el("a", "tc-search__link tc-search__link--section");
        a.href = address(sub.url);
        var text = excerpt(sub.excerpt || "");
        // In the quick tier an option's section is its name alone: shown once, marked.
        if (text.textContent.replace(/[.\s]+$/, "") === sub.title) {
          text.className = "tc-search__excerpt tc-search__section";
        } else {
          a.appendChild(el("span", "tc-search__section", sub.title));
        }
        a.appendChild(text);
        entry.appendChild(a);
        list.appendChild(entry);
      });
      item.appendChild(list);
    }
    return item;
  }

  function finderLink(box, query) {
    var params = new URLSearchParams();
    if (query) params.set("words", query);
    // The finder names undo costs and statuses as the index does; categories by id, which the
    // index does not hold, so the category stays behind.
    box.querySelectorAll("select[data-finder]").forEach(function (select) {
      if (select.value) params.append(select.getAttribute("data-finder"), select.value);
    });
    return base + "browse/finder/" + (params.toString() ? "?" + params.toString() : "");
  }

  function filtersOf(box) {
    var filters = {};
    box.querySelectorAll("select[data-filter]").forEach(function (select) {
      if (select.value) filters[select.getAttribute("data-filter")] = select.value;
    });
    return filters;
  }

  function passes(data, filters) {
    var meta = data.meta || {};
    return Object.keys(filters).every(function (key) { return meta[key] === filters[key]; });
  }

  function fillFilters(box) {
    var holder = box.querySelector("[data-search-filters]");
    if (!holder || holder.childElementCount) return Promise.resolve();
    return fetch(base + "assets/tradeoff-cards/search/filters.json").then(function (response) {
      return response.json();
    }).then(function (available) {
      if (holder.childElementCount) return;
      [["category", "Category", ""], ["undo", "Undo cost", "undo"], ["status", "Status", "status"]]
        .forEach(function (spec) {
          var values = available[spec[0]] || [];
          if (!values.length) return;
          var label = el("label", "tc-search__filter");
          label.appendChild(el("span", "", spec[1]));
          var select = el("select");
          select.setAttribute("data-filter", spec[0]);
          if (spec[2]) select.setAttribute("data-finder", spec[2]);
          select.appendChild(el("option", "", "Any"));
          select.options[0].value = "";
          values.forEach(function (value) {
            var option = el("option", "", value);
            option.value = value;
            select.appendChild(option);
          });
          label.appendChild(select);
          holder.appendChild(label);
          select.addEventListener("change", function () { run(box); });
        });
    });
  }

  // The data of the best results, re-ranked: on equal matches a card before a failure mode
  // before any other page. Results that `keep` turns down are left out, and read on in rank
  // order until enough are kept.
  function best(results, keep, selective, current) {
    var wanted = SHOWN;
    var kept = [];
    function batch(from) {
      var slice = results.slice(from, from + (selective ? 20 : wanted));
      // A query typed over is not worth its excerpts: nothing more is fetched for it.
      if (!slice.length || !current()) return Promise.resolve(kept);
      return Promise.all(slice.map(function (r) { return r.data(); })).then(function (datas) {
        datas.forEach(function (data, i) {
          if (!keep(data)) return;
          var factor = KIND_FACTOR[(data.meta || {}).kind] || 0.6;
          kept.push({ data: data, score: slice[i].score * factor, order: from + i });
        });
        if (kept.length >= wanted || from + slice.length >= Math.min(results.length, 100)) {
          return kept;
        }
        return batch(from + slice.length);
      });
    }
    return batch(0).then(function (all) {
      return all.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    });
  }

  // Whether a page of the quick tier holds one of the words typed. Where no word of an index
  // starts with a word typed, Pagefind matches the longest word the typed one starts with
  // ("ad" for "adequately"): among names, that is a wrong hit, which the full text would
  // otherwise have to rank below. A matched word must share the first three letters of a word
  // typed ("devs" finds "developers": Pagefind stems the words and extends the last one).
  function named(data, words) {
    var text = (data.content || "").split(/\s+/);
    return (data.locations || []).some(function (at) {
      var found = (text[at] || "").toLowerCase().replace(/^[^\p{L}\p{N}]+/u, "");
      return words.some(function (word) { return found.indexOf(word.slice(0, 3)) === 0; });
    });
  }

  function run(box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("[data-search-results]");
    var status = box.querySelector("[data-search-status]");
    var finder = box.querySelector("[data-search-finder]");
    var query = input.value.trim();
    var mine = ++sequence;
    status.removeAttribute("data-query");  // set again once the results for this query show
    finder.href = finderLink(box, query);
    var words = terms(query);
    if (!words.length) {
      list.replaceChildren();
      status.textContent = query ? "Type a more specific word" : "";
      status.setAttribute("data-query", query);
      return Promise.resolve();
    }
    status.textContent = "Searching…";
    var filters = filtersOf(box);
    // Superseded once another search starts or the reader has typed on.
    function current() { return mine === sequence && input.value.trim() === query; }
    var filtering = Object.keys(filters).length > 0;
    function tier(name) {
      var quick = name === "quick";
      function keep(data) { return passes(data, filters) && (!quick || named(data, words)); }
      return load(name).then(function (pagefind) {
        return current() ? search(pagefind, words) : [];
      }).then(function (results) {
        return best(results, keep, filtering, current);
      });
    }
    // Pages found by name come first, in the quick tier's order, and stay where they are; the
    // full text then adds the pages it finds besides, after them.
    return tier("quick").then(function (ranked) {
      if (!current()) return null;
      list.replaceChildren.apply(list, ranked.slice(0, SHOWN).map(function (r) {
        return resultItem(r.data, words);
      }));
      if (ranked.length) status.textContent = "Found by name; searching the text…";
      return tier("full");
    }).then(function (ranked) {
      if (!ranked || !current()) return;
      var shown = Array.prototype.map.call(list.querySelectorAll(":scope > li > a"), function (a) {
        return a.getAttribute("href");
      });
      ranked.filter(function (r) {
        return shown.indexOf(address(r.data.url)) < 0;
      }).slice(0, shown.length ? FROM_TEXT : SHOWN).forEach(function (r) {
        list.appendChild(resultItem(r.data, words));
      });
      status.textContent = list.childElementCount
        ? (shown.length ? "Found by name first, then in the text" : "Best matches first")
        : "No page matches";
      status.setAttribute("data-query", query);
    }).catch(function (error) {
      if (mine !== sequence) return;
      status.textContent = "Search is unavailable on this copy of the site";
      if (window.console) console.error(error);
    });
  }

  function links(box) {
    return Array.prototype.slice.call(box.querySelectorAll("[data-search-results] a, [data-search-finder]"));
  }

  function setup(box) {
    if (box.tcSearchReady) return;
    box.tcSearchReady = true;
    var input = box.querySelector("input[type=search]");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(box); }, 150);
      // While the reader types, the quick tier's chunks of the words already typed out
      // download: by the time the query runs they are here. Not those of a word still being
      // typed: each prefix can name another chunk (at 10,000 cards, 400 KB more for one query).
      var words = terms(input.value.replace(/[^\s]*$/, ""));
      if (words.length) {
        load("quick").then(function (pagefind) { return pagefind.preload(words.join(" ")); })
          .catch(function () { /* the query itself says whether the search works */ });
      }
    });
    box.addEventListener("keydown", function (event) {
      var all = links(box);
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) input.focus();
        else all[Math.min(next, all.length - 1)].focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (at >= 0) input.focus();
        else { shared.closeSearch(box); input.blur(); }
      } else if (event.key === "Enter" && document.activeElement === input) {
        event.preventDefault();
        clearTimeout(timer);
        run(box).then(function () {
          var first = box.querySelector("[data-search-results] a");
          if (first) first.click();
        });
      }
    });
    // The index's entry files and the search engine load while the reader types.
    load("quick").catch(function () { /* run() says the search is unavailable */ });
    fillFilters(box).catch(function () { /* the results work without the filters */ });
    if (input.value.trim()) run(box);
  }

  shared.setupSearch = setup;
})();
