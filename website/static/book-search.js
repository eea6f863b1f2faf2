/* The search page's results, as a reader wants them (website/sphinx_site.py adds
 * this script to search.html only, deferred: it runs after Sphinx's
 * searchtools.js and before the search starts).
 *
 * - Snippets come from the lesson's text only: not from the page furniture
 *   around it (launch and download buttons, "Contents", previous/next links),
 *   whose words ("Binder", "Repository") otherwise open every snippet; and
 *   formulas read as their text (from KaTeX's MathML), not as TeX or as
 *   KaTeX's drawing.
 * - A page or section appears once in the results, however many ways it
 *   matched (its title, its words).
 * - A glossary term is found by its abbreviation ("KL", "CE", "NLL"): a
 *   section title that ends in "(KL)" is the first result for "KL".
 * - Opened from a file (file://), a browser will not let the page read the
 *   other pages, which the snippets need: the results are listed without
 *   snippets, with a note on how to serve the site.
 */
(function () {
  "use strict";
  if (typeof Search === "undefined") return;

  var FURNITURE = [
    ".headerlink", "script", "style", "noscript", "template", "button",
    ".bd-header", ".bd-header-article", ".bd-sidebar-primary", ".bd-sidebar-secondary",
    ".prev-next-area", ".prev-next-footer", ".bd-footer", ".bd-footer-article", ".bd-footer-content",
    ".katex-html", ".katex-mathml annotation",
  ].join(",");

  /* Formula text as a reader would say it: "H(p, q) = H(p) + D(p‖q)". */
  function mathText(math) {
    var text = math.textContent.replace(/\u2061/g, " ").replace(/[\u2062\u2063]/g, "");
    return text.replace(/\s*([=<>≤≥≠≈+−×·])\s*/g, " $1 ").replace(/,\s*/g, ", ").replace(/\s+/g, " ").trim();
  }

  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(FURNITURE).forEach(function (el) { el.remove(); });
    doc.querySelectorAll(".katex-mathml math").forEach(function (math) {
      math.replaceWith(doc.createTextNode(" " + mathText(math) + " "));
    });
    var main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!main) return "";
    var scope = main;
    if (anchor) {
      try { scope = main.querySelector(anchor) || main; } catch (e) { scope = main; }
    }
    return scope.textContent.replace(/\s+/g, " ").trim();
  };

  /* Section titles that end in their abbreviation, "KL divergence (KL)" or
   * "Cross-entropy (CE, log loss)": a query that is one of those abbreviations
   * finds the section first (Sphinx matches a title only when the query is at
   * least half as long as it). */
  function abbreviationResults(query) {
    var q = query.trim().toLowerCase(), index = Search._index, found = [];
    if (!/^[a-z0-9]{2,6}$/.test(q) || !index || !index.alltitles) return found;
    Object.entries(index.alltitles).forEach(function (entry) {
      var m = /\(([^()]+)\)\s*$/.exec(entry[0]);
      if (!m) return;
      var abbreviations = m[1].split(/[,;]|\bor\b/).map(function (a) { return a.trim().toLowerCase(); });
      if (abbreviations.indexOf(q) < 0) return;
      entry[1].forEach(function (hit) {
        var file = hit[0], id = hit[1];
        found.push([index.docnames[file], index.titles[file] + " > " + entry[0], id ? "#" + id : "",
                    null, 1000, index.filenames[file]]);
      });
    });
    return found;
  }

  var perform = Search._performSearch;
  Search._performSearch = function (query) {
    var results = perform.apply(this, arguments).concat(abbreviationResults(query));
    // Best results are last (the page shows them from the end): keep the best of each.
    var seen = new Set(), kept = [];
    for (var i = results.length - 1; i >= 0; i--) {
      var key = results[i][0] + "#" + (results[i][2] || "").replace(/^#/, "");
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(results[i]);
    }
    return kept.reverse();
  };

  if (window.location.protocol === "file:") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    var note = function () {
      var results = document.getElementById("search-results") || document.querySelector(".bd-search-container");
      if (!results || document.getElementById("book-search-file-note")) return;
      var p = document.createElement("p");
      p.id = "book-search-file-note";
      p.className = "book-search-note";
      p.textContent = "This copy of the book is opened from a file, so the results below come " +
        "without snippets of text. To see them, serve the site, for example with " +
        "`python3 -m http.server -d _build/html` and http://127.0.0.1:8000.";
      results.parentNode.insertBefore(p, results);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", note);
    else note();
  }
})();
