/* The book's own script (_config.yml: html_js_files); loaded on every page. */

/* What the script says, in the page's language (the Korean edition's pages are lang="ko"). */
function bookText(english, korean) {
  return (document.documentElement.lang || "").slice(0, 2) === "ko" ? korean : english;
}

/* Accessible names for the widgets' sliders.  ipywidgets draws a slider as a
 * <label> (the description) beside a noUiSlider handle with role="slider" that
 * has no accessible name (axe: "ARIA input fields must have an accessible
 * name"), and whose aria-valuetext is an index ("18") for a SelectionSlider.
 * Link each handle to its label and announce the value the readout shows
 * ("0.90").  Widgets render after the page loads, so watch for them. */
(function () {
  var counter = 0;
  function labelSlider(handle) {
    var box = handle.closest(".widget-slider");
    if (!box) return;
    var label = box.querySelector(".widget-label");
    if (label && label.textContent.trim()) {
      if (!label.id) label.id = "book-widget-label-" + (++counter);
      if (handle.getAttribute("aria-labelledby") !== label.id) handle.setAttribute("aria-labelledby", label.id);
    } else if (!handle.hasAttribute("aria-label")) {
      handle.setAttribute("aria-label", bookText("value", "값"));
    }
    var readout = box.querySelector(".widget-readout");
    var text = readout && readout.textContent.trim();
    if (text && handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
  }
  function scan(root) {
    var handles = (root || document).querySelectorAll(".widget-slider [role='slider']");
    for (var i = 0; i < handles.length; i++) labelSlider(handles[i]);
  }
  function start() {
    scan(document);
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var node = mutations[i].target;
        var el = node.nodeType === 1 ? node : node.parentElement;
        var box = el && el.closest && el.closest(".widget-slider");
        if (box) scan(box);
        else if (mutations[i].type === "childList" && mutations[i].addedNodes.length) scan(el || document);
      }
    }).observe(document.body, {subtree: true, childList: true, characterData: true,
                               attributes: true, attributeFilter: ["aria-valuetext", "aria-valuenow"]});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* The book's title link at the top of the left sidebar sits outside every
 * landmark (axe: "All page content should be contained by landmarks"): make
 * its container a small navigation landmark. */
(function () {
  function mark() {
    var brand = document.querySelector(".bd-sidebar-primary .navbar-brand");
    var item = brand && brand.closest(".sidebar-primary-item");
    if (item && !item.closest("nav, [role='navigation']")) {
      item.setAttribute("role", "navigation");
      item.setAttribute("aria-label", bookText("Book title", "책 제목"));
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();

/* A display equation wider than the column scrolls inside its own box
 * (book.css): make such a box focusable and named, so that the keyboard can
 * scroll it and a screen reader says what it is. */
(function () {
  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("book-scrolls", scrolls);
    if (scrolls) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", bookText("Equation, scrolls sideways", "수식, 옆으로 스크롤됨"));
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
  function start() {
    var boxes = document.querySelectorAll("div.math");
    if (!boxes.length) return;
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { mark(entry.target); });
    });
    boxes.forEach(function (box) { mark(box); observer.observe(box); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Printing (book-print.css): every folded cell and solution prints open, and
 * closes again afterwards; the page prints in the light theme whatever the
 * reader's colour mode (dark mode's light text would print grey on white), and
 * goes back to it afterwards. Figures are theme-aware inline SVG, so they
 * follow. scripts/book_pdf.py calls bookPrepareForPrint() itself, since
 * printing to PDF from the DevTools protocol sends no beforeprint event. */
(function () {
  var opened = [];
  var theme = null;  // the reader's theme while the page is printed in the light one
  window.bookPrepareForPrint = function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
    document.querySelectorAll(".toggle-hidden, .toggle.toggle-hidden").forEach(function (el) {
      el.classList.remove("toggle-hidden");
    });
    var root = document.documentElement;
    if (theme === null) theme = root.getAttribute("data-theme") || "";
    root.setAttribute("data-theme", "light");
  };
  window.bookAfterPrint = function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    if (theme !== null) {
      var root = document.documentElement;
      if (theme) root.setAttribute("data-theme", theme);
      else root.removeAttribute("data-theme");
      theme = null;
    }
  };
  window.addEventListener("beforeprint", window.bookPrepareForPrint);
  window.addEventListener("afterprint", window.bookAfterPrint);
})();

/* The menu (☰) and "Contents" drawers on a narrow screen are dialogs: closed
 * (Escape, or a tap beside them), they left the keyboard focus on <body>, at
 * the top of the page. Focus goes back to the button that opened the drawer. */
(function () {
  var opener = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".bd-header-article button, .bd-header-article .btn");
    if (button) opener = button;
  }, true);
  function start() {
    document.querySelectorAll("dialog").forEach(function (dialog) {
      dialog.addEventListener("close", function () {
        var back = opener;
        opener = null;
        setTimeout(function () {  // after the theme has put the drawer's content back
          var focus = document.activeElement;
          if (back && back.isConnected && (!focus || focus === document.body || dialog.contains(focus))) {
            back.focus({preventScroll: true});
          }
        }, 0);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
