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

  /* Formula text as a reader would say it, from KaTeX's MathML: "H(p) = ∑ᵢ pᵢ log pᵢ"
   * (the same reading as website/katex_math.py gives the page titles). */
  var SUB = {"0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈",
             "9": "₉", "+": "₊", "-": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", o: "ₒ",
             x: "ₓ", h: "ₕ", k: "ₖ", l: "ₗ", m: "ₘ", n: "ₙ", p: "ₚ", s: "ₛ", t: "ₜ", i: "ᵢ",
             j: "ⱼ", r: "ᵣ", u: "ᵤ", v: "ᵥ"};
  var SUP = {"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸",
             "9": "⁹", "+": "⁺", "-": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", n: "ⁿ", i: "ⁱ"};
  var SPACED = "=<>≤≥≠≈≡∼≃∝∈∉⊂⊆→←↦⇒⇔+×·∣−";
  function script(text, table, mark) {
    text = text.replace(/−/g, "-").trim();
    var chars = Array.from(text);
    if (chars.length && chars.every(function (c) { return c in table; })) {
      return chars.map(function (c) { return table[c]; }).join("");
    }
    return chars.length <= 1 ? mark + text : mark + "(" + text + ")";
  }
  function mathText(el) {
    var tag = el.localName, kids = Array.from(el.children);
    var t = function (k) { return mathText(k); };
    switch (tag) {
      case "annotation": case "mphantom": return "";
      case "mi": case "mn": case "mtext": case "ms": return el.textContent;
      case "mo": {
        var op = el.textContent.trim();
        if (op === "\u2061") return " ";
        if (op === "\u2062" || op === "\u2063") return "";
        return SPACED.indexOf(op) >= 0 && op ? " " + op + " " : (op === "," ? ", " : op);
      }
      case "mspace": return " ";
      case "mfrac": {
        var wrap = function (s) { s = s.trim(); return /^[\w.]+$/.test(s) ? s : "(" + s + ")"; };
        return kids.length === 2 ? wrap(t(kids[0])) + "/" + wrap(t(kids[1])) : kids.map(t).join("");
      }
      case "msqrt": return "√(" + kids.map(t).join("").trim() + ")";
      case "msub": case "munder": return kids.length === 2 ? t(kids[0]) + script(t(kids[1]), SUB, "_") : kids.map(t).join("");
      case "msup": case "mover": return kids.length === 2 ? t(kids[0]) + script(t(kids[1]), SUP, "^") : kids.map(t).join("");
      case "msubsup": case "munderover":
        return kids.length === 3 ? t(kids[0]) + script(t(kids[1]), SUB, "_") + script(t(kids[2]), SUP, "^") : kids.map(t).join("");
      case "mtable": return kids.map(function (k) { return t(k).trim(); }).join("; ");
      default: return kids.length ? kids.map(t).join("") : el.textContent;
    }
  }
  function readFormula(math) {
    return mathText(math).replace(/\s+/g, " ").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")")
      .replace(/\s+([,.;:])/g, "$1").trim();
  }

  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(FURNITURE).forEach(function (el) { el.remove(); });
    doc.querySelectorAll(".katex-mathml math").forEach(function (math) {
      math.replaceWith(doc.createTextNode(" " + readFormula(math) + " "));
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
      p.textContent = (document.documentElement.lang || "").slice(0, 2) === "ko"
        ? "이 책을 파일로 열었기 때문에 아래 검색 결과에는 본문 발췌가 없습니다. 발췌를 보려면 " +
          "사이트를 서버로 여세요. 예: `python3 -m http.server -d _build/html` 실행 후 " +
          "http://127.0.0.1:8000/ko/."
        : "This copy of the book is opened from a file, so the results below come " +
          "without snippets of text. To see them, serve the site, for example with " +
          "`python3 -m http.server -d _build/html` and http://127.0.0.1:8000.";
      results.parentNode.insertBefore(p, results);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", note);
    else note();
  }
})();
