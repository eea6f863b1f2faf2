/* The book's own script (_config.yml: html_js_files); loaded on every page. */

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
      handle.setAttribute("aria-label", "value");
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
      item.setAttribute("aria-label", "Book title");
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
      box.setAttribute("aria-label", "Equation, scrolls sideways");
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
 * closes again afterwards. scripts/book_pdf.py calls bookPrepareForPrint()
 * itself, since printing to PDF from the DevTools protocol sends no
 * beforeprint event. */
(function () {
  var opened = [];
  window.bookPrepareForPrint = function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
    document.querySelectorAll(".toggle-hidden, .toggle.toggle-hidden").forEach(function (el) {
      el.classList.remove("toggle-hidden");
    });
  };
  window.bookAfterPrint = function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  };
  window.addEventListener("beforeprint", window.bookPrepareForPrint);
  window.addEventListener("afterprint", window.bookAfterPrint);
})();
