"""The lessons' explorers and figures on the built website, in Chromium, as a reader meets them.

Each lesson is opened three times, once each and all at the same time, and the
checks below share those loads:

* at 1280 px with a mouse, light mode (dark mode switched on for the colour checks);
* at 390 px with a touch screen (text size, touch targets, full-width sliders);
* at 1280 px with JavaScript off (what every reader sees before any script runs).

What is checked:

* every explorer shows its first state (picture, readout, a picture of its
  controls) with JavaScript off, and the rendered widget shows the same state;
* in every kernel-free explorer, every control moves the picture and the
  readout, by keyboard, pointer and touch, and the frame shown always names the
  values its controls show (``data-state``), with the slider values in the readout;
* live explorers (they need a kernel) have disabled controls that do not move,
  are no Tab stops and say aria-disabled, and a note above them with launch links;
* slider readouts are a display of the value, not a text box; toggle buttons are
  a named group with aria-pressed; handles and tracks stand out from the page
  (3:1) in light and dark mode; with JavaScript off or the widget scripts not
  loaded, every explorer says its controls need JavaScript;
* readouts are page text of at least 12 CSS px on a phone; slider hit areas,
  solution titles and copy buttons are at least 44 px; sliders span the
  explorer on a phone; the tracks of one explorer's sliders line up; keyboard
  focus is visible;
* figures are inline SVG with alt text; in dark mode figures and explorers take
  the theme's colours, with text contrast of at least 4.5:1;
* budgets: widget state per page, the widget bundle's bytes, the frame switch.
"""

from __future__ import annotations

import gzip
import re
import time
import urllib.parse

import pytest
import yaml

import sitekit
from sitekit import base_url, browser  # noqa: F401 (session fixtures)

LESSONS = sitekit.lesson_pages()

#: Widget bundle budget (bytes, gzipped as served): html-manager's embed.js was about 460 kB.
BUNDLE_BUDGET = 100_000
#: Keypress to new frame in the DOM (ms); the frame is already in the page.
SWITCH_BUDGET_MS = 250
#: Most an explorer's height may change when the widget replaces its static frame (px).
SHIFT_PX = 12
#: Seconds for every lesson's widgets to render, all pages loading at once.
READY_S = 60

#: In-page helpers for these tests (sitekit's window.__book is installed too).
HELPERS_JS = r"""
window.__bk = {
  slots() { return Array.from(document.querySelectorAll('.bk-slot')); },
  live(slot) { return slot.querySelector('.bk-live-host'); },
  frame(slot) {
    const root = this.live(slot) || slot;
    const frames = Array.from(root.querySelectorAll('.bk-frame')).filter(f => f.checkVisibility());
    return frames.length === 1 ? frames[0] : null;
  },
  shown(slot) {
    // What the explorer shows: its frame's state, readout, picture and alt text.
    const f = this.frame(slot);
    if (!f) return null;
    const svg = f.querySelector('svg.bk-overlay');
    const readout = f.querySelector('.bk-readout');
    return {state: JSON.parse(f.dataset.state).map(pair => pair[1]),
            readout: readout ? readout.textContent : null,
            picture: svg ? svg.innerHTML : '', alt: svg ? svg.getAttribute('aria-label') : null};
  },
  controls(slot) {
    // What the controls show, in the order the reader sees them.
    const root = this.live(slot);
    if (!root) return null;
    const out = [];
    for (const el of root.querySelectorAll('.widget-slider, .widget-toggle-buttons, .widget-dropdown')) {
      if (el.classList.contains('widget-slider')) {
        const handle = el.querySelector('.noUi-handle');
        out.push({kind: 'slider', value: el.querySelector('.widget-readout').textContent.trim(),
                  disabled: el.querySelector('.noUi-target').hasAttribute('disabled'),
                  label: el.querySelector('.widget-label').textContent.trim(),
                  now: handle.getAttribute('aria-valuenow'), max: handle.getAttribute('aria-valuemax')});
      } else if (el.classList.contains('widget-toggle-buttons')) {
        const buttons = Array.from(el.querySelectorAll('button'));
        const active = buttons.find(b => b.classList.contains('mod-active'));
        out.push({kind: 'toggle', value: active ? active.textContent.trim() : null,
                  disabled: buttons.every(b => b.disabled), count: buttons.length});
      } else {
        const select = el.querySelector('select');
        out.push({kind: 'dropdown', value: select.options[select.selectedIndex].textContent.trim(),
                  disabled: select.disabled});
      }
    }
    return out;
  },
};
"""


# ------------------------------------------------------------------------ loads

class Lesson:
    """One lesson, open in three browser contexts for the whole module."""

    def __init__(self, path):
        self.path = path
        self.pages = {}
        self.errors = []

    def open(self, browser, base_url, name, **context):  # noqa: F811
        ctx = sitekit.offline_context(browser, base_url, **context)
        page = sitekit.new_page(ctx)
        page.add_init_script(HELPERS_JS)
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{name}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{name}: {e}"))
        page.goto(base_url + self.path, wait_until="commit")
        self.pages[name] = page

    def slots(self, name):
        page = self.pages[name]
        return [page.locator(".bk-slot").nth(i) for i in range(page.locator(".bk-slot").count())]


@pytest.fixture(scope="module")
def lessons(browser, base_url):  # noqa: F811
    opened = {path: Lesson(path) for path in LESSONS}
    for lesson in opened.values():
        lesson.open(browser, base_url, "desktop", viewport=sitekit.DESKTOP)
        lesson.open(browser, base_url, "phone", viewport=sitekit.PHONE, has_touch=True,
                    is_mobile=True, device_scale_factor=2)
        lesson.open(browser, base_url, "static", viewport=sitekit.DESKTOP, java_script_enabled=False)
    deadline = time.monotonic() + READY_S
    for lesson in opened.values():
        for name in ("desktop", "phone"):
            page = lesson.pages[name]
            page.wait_for_load_state("load", timeout=max(deadline - time.monotonic(), 5) * 1000)
            page.wait_for_function("() => document.documentElement.classList.contains('bk-widgets-ready')",
                                   timeout=max(deadline - time.monotonic(), 5) * 1000)
        lesson.pages["static"].wait_for_load_state("load")
    yield opened
    for lesson in opened.values():
        for page in lesson.pages.values():
            page.context.close()


def _slot_kinds(lesson, name="desktop"):
    page = lesson.pages[name]
    return page.evaluate("() => __bk.slots().map(s => s.classList.contains('bk-slot-live') ? 'live' : 'frames')")


# ------------------------------------------------------ the Sphinx module itself

def _explorers_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("explorers", sitekit.ROOT / "website" / "explorers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_stops_with_a_clear_message_without_node_modules(tmp_path, monkeypatch):
    from sphinx.errors import ExtensionError

    explorers = _explorers_module()
    monkeypatch.setattr(explorers, "ESBUILD", tmp_path / "node_modules" / ".bin" / "esbuild")

    class App:
        builder = type("Builder", (), {"format": "html"})()
        outdir = str(tmp_path / "html")

    with pytest.raises(ExtensionError, match=r"npm ci .*website/"):
        explorers.build_bundle(App())


def test_static_first_frame_follows_the_widget_state():
    """The static copy shows what the widget shows first: each stack's selected frame,
    each control's value, live controls disabled."""
    explorers = _explorers_module()

    def model(name, **state):
        return {"model_name": name, "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0", "state": state}

    ref = "IPY_MODEL_{}".format
    state = {"version_major": 2, "version_minor": 0, "state": {
        "root": model("VBoxModel", _dom_classes=["bk-explorer", "bk-live"], children=[ref("s"), ref("t"), ref("fig")]),
        "s": model("FloatSliderModel", description="w", value=2.0, min=-8.0, max=8.0, readout_format=".1f",
                   disabled=False, style=ref("st")),
        "st": model("SliderStyleModel", description_width="6ch"),
        "t": model("ToggleButtonsModel", description="unit", _options_labels=["bits", "nats"], index=1,
                   disabled=False),
        "fig": model("BoxModel", _dom_classes=["bk-figure"], children=[ref("bg"), ref("stack")]),
        "bg": model("HTMLModel", value='<svg class="bk-background"><path id="bk1-0"/></svg>'),
        "stack": model("StackModel", selected_index=1, children=[ref("f0"), ref("f1")]),
        "f0": model("HTMLModel", value="<p>first</p>"),
        "f1": model("HTMLModel", value='<p>second</p><use href="#bk1-0"/>'),
    }}
    page = explorers.Page(state)
    assert page.explorer_roots() == ["root"]
    assert page.disable_live_controls() == {"root"}
    assert state["state"]["s"]["state"]["disabled"] and state["state"]["t"]["state"]["disabled"]
    html = page.static_explorer("root")
    assert "second" in html and "first" not in html, "the stack's selected frame"
    assert 'style="left:62.50%"' in html and ">2.0<" in html, "the slider at w = 2 of -8..8"
    assert 'bk-static-button bk-static-active">nats<' in html
    assert "width:6ch" in html and html.count("bk-static-disabled") == 2
    assert 'id="sbk1-0"' in html and 'href="#sbk1-0"' in html, "ids renamed apart from the live widget's"
    assert 'aria-hidden="true"' in html.split("bk-static-figure")[0], "the picture of the controls is hidden"


def test_model_ids_are_shortened_everywhere():
    explorers = _explorers_module()
    a, b = "0123456789abcdef" * 2, "fedcba9876543210" * 2
    state = {"state": {a: {"state": {"children": [f"IPY_MODEL_{b}"]}}, b: {"state": {}}}}
    names = explorers.short_ids(state)
    assert explorers._renamed(f'{{"{a}": "IPY_MODEL_{b}", "model_id": "{b}"}}', names) == \
        '{"0": "IPY_MODEL_1", "model_id": "1"}'


def test_launch_links_open_the_page_notebook():
    explorers = _explorers_module()

    class App:
        class config:  # noqa: N801 (a stand-in for Sphinx's config object)
            html_theme_options = {"repository_url": "https://github.com/org/book", "repository_branch": "main",
                                  "path_to_docs": "", "launch_buttons": {
                                      "binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab",
                                      "colab_url": "https://colab.research.google.com"}}

    links = explorers._launch_links(App(), "notebooks/01_x")
    assert links == {
        "Binder": "https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/notebooks/01_x.ipynb",
        "Colab": "https://colab.research.google.com/github/org/book/blob/main/notebooks/01_x.ipynb"}
    note = explorers.live_note(links)
    assert "running kernel" in note and note.count("<a href=") == 2


# ------------------------------------------------------------ the static frame

@pytest.mark.parametrize("path", LESSONS)
def test_first_frame_shows_without_javascript(lessons, path):
    """Before any script runs (here: none ever runs) every explorer shows its first state."""
    lesson = lessons[path]
    page = lesson.pages["static"]
    slots = lesson.slots("static")
    assert slots, f"{path} has no explorer"
    for i, slot in enumerate(slots):
        slot.scroll_into_view_if_needed()
        info = slot.evaluate("""s => {
          const st = s.querySelector('.bk-static');
          const svgs = Array.from(s.querySelectorAll('.bk-static svg.bk-background, .bk-static svg.bk-overlay'));
          const overlay = s.querySelector('.bk-static svg.bk-overlay');
          return {static: !!st && st.checkVisibility(),
                  sizes: svgs.map(v => [v.getBoundingClientRect().width, v.getBoundingClientRect().height]),
                  alt: overlay && overlay.getAttribute('aria-label'),
                  controls: s.querySelectorAll('.bk-static-control').length,
                  readout: (s.querySelector('.bk-static .bk-readout') || {}).textContent || ''};
        }""")
        assert info["static"], f"explorer {i} on {path} shows no static first frame"
        assert len(info["sizes"]) == 2 and all(w > 300 and h > 150 for w, h in info["sizes"]), \
            f"explorer {i} on {path}: background and first frame must both be visible, got {info['sizes']}"
        assert info["alt"] and info["alt"].strip(), f"explorer {i} on {path}: the first frame has no alt text"
        assert info["controls"] >= 1, f"explorer {i} on {path}: no picture of its controls"
    assert not page.locator(".bk-live-host").count(), "no widget renders with JavaScript off"


@pytest.mark.parametrize("path", LESSONS)
def test_rendered_widget_starts_where_the_static_frame_did(lessons, path):
    lesson = lessons[path]
    static = lesson.pages["static"].evaluate(
        "() => __bk.slots().map(s => { const o = s.querySelector('.bk-static svg.bk-overlay'); "
        "const r = s.querySelector('.bk-static .bk-readout'); "
        "return [o && o.getAttribute('aria-label'), r && r.textContent]; })")
    live = lesson.pages["desktop"].evaluate("() => __bk.slots().map(s => { const x = __bk.shown(s); "
                                            "return x && [x.alt, x.readout]; })")
    assert len(static) == len(live)
    for i, (before, after) in enumerate(zip(static, live)):
        assert after is not None, f"explorer {i} on {path} did not render"
        assert before == after, f"explorer {i} on {path}: static frame {before} but widget starts at {after}"
    left = lesson.pages["desktop"].locator(".bk-static").count()
    assert left == 0, f"{path}: {left} static frames left beside rendered widgets"
    heights = "() => __bk.slots().map(s => s.getBoundingClientRect().height)"
    for i, (before, after) in enumerate(zip(lesson.pages["static"].evaluate(heights),
                                            lesson.pages["desktop"].evaluate(heights))):
        assert abs(before - after) <= SHIFT_PX, (
            f"explorer {i} on {path}: {before:.0f} px tall as a static frame, {after:.0f} px rendered "
            "(the page jumps when the widget replaces it)")


# ----------------------------------------------------------------- every control

def _shown(page, slot):
    return page.evaluate("s => __bk.shown(s)", slot.element_handle())


def _controls(page, slot):
    return page.evaluate("s => __bk.controls(s)", slot.element_handle())


def _wait_change(page, slot, before, what):
    try:
        page.wait_for_function(
            "([s, before]) => { const x = __bk.shown(s); return x && x.picture !== before.picture; }",
            arg=[slot.element_handle(), before], timeout=3000)
    except Exception:  # playwright's TimeoutError: say what did not happen
        pytest.fail(f"the picture did not change after {what}")
    return _shown(page, slot)


def _check_agrees(page, slot, before, what, where):
    """The frame changed with its readout, and it names what the controls show."""
    after = _shown(page, slot)
    controls = _controls(page, slot)
    assert after["picture"] != before["picture"], f"{where}: {what} did not change the picture"
    if before["readout"] is not None:
        assert after["readout"] != before["readout"], f"{where}: {what} did not change the readout"
    assert after["state"] == [c["value"] for c in controls], (
        f"{where}: after {what} the controls show {[c['value'] for c in controls]} "
        f"but the picture is the frame for {after['state']}")
    for control in controls:
        if control["kind"] == "slider":
            assert control["value"] in (after["readout"] or ""), (
                f"{where}: the readout {after['readout']!r} does not state the slider's value {control['value']}")
    assert after["alt"], f"{where}: the frame after {what} has no alt text"
    return after


def _drag(page, slot, index, towards):
    handle = slot.locator(".noUi-handle").nth(index)
    track = slot.locator(".noUi-base").nth(index).bounding_box()
    knob = handle.bounding_box()
    start = (knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(track["x"] + towards * track["width"], start[1], steps=6)
    page.mouse.up()


@pytest.mark.parametrize("path", LESSONS)
def test_every_control_moves_picture_and_readout(lessons, path):
    """Keyboard, pointer (drag and click), and touch (tap) on every enabled control."""
    lesson = lessons[path]
    page, phone = lesson.pages["desktop"], lesson.pages["phone"]
    kinds = _slot_kinds(lesson)
    assert "frames" in kinds, f"{path} has no kernel-free explorer"
    errors_before = len(lesson.errors)
    for i, kind in enumerate(kinds):
        if kind != "frames":
            continue
        slot = lesson.slots("desktop")[i]
        slot.scroll_into_view_if_needed()
        controls = _controls(page, slot)
        assert not any(c["disabled"] for c in controls), f"explorer {i} on {path} has a disabled control"
        shown = _shown(page, slot)
        n_slider = 0
        for j, control in enumerate(controls):
            where = f"{path} explorer {i} control {j} ({control['kind']})"
            if control["kind"] == "slider":
                handle = slot.locator(".noUi-handle").nth(n_slider)
                # keyboard
                handle.focus()
                at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
                page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                _wait_change(page, slot, shown, "an arrow key")
                shown = _check_agrees(page, slot, shown, "an arrow key", where)
                # pointer: drag to the far end, then click the track near the other end
                now = float(handle.get_attribute("aria-valuenow"))
                far = 0.98 if now < float(handle.get_attribute("aria-valuemax")) / 2 else 0.02
                _drag(page, slot, n_slider, far)
                _wait_change(page, slot, shown, "dragging the handle")
                shown = _check_agrees(page, slot, shown, "dragging the handle", where)
                track = slot.locator(".noUi-base").nth(n_slider).bounding_box()
                page.mouse.click(track["x"] + (1 - far) * track["width"], track["y"] + track["height"] / 2)
                _wait_change(page, slot, shown, "clicking the track")
                shown = _check_agrees(page, slot, shown, "clicking the track", where)
                n_slider += 1
            elif control["kind"] == "toggle":
                buttons = slot.locator(".widget-toggle-button")
                for b in range(buttons.count()):
                    if "mod-active" not in (buttons.nth(b).get_attribute("class") or ""):
                        buttons.nth(b).focus()
                        page.keyboard.press("Enter" if b % 2 else " ")
                        _wait_change(page, slot, shown, "choosing a toggle button by keyboard")
                        shown = _check_agrees(page, slot, shown, "choosing a toggle button", where)
                        break
        # touch, on the phone: tap the first slider's track away from its handle
        phone_slot = lesson.slots("phone")[i]
        phone_slot.scroll_into_view_if_needed()
        before = _shown(phone, phone_slot)
        handle = phone_slot.locator(".noUi-handle").first
        track = phone_slot.locator(".noUi-base").first.bounding_box()
        now = float(handle.get_attribute("aria-valuenow"))
        target = 0.9 if now < float(handle.get_attribute("aria-valuemax")) / 2 else 0.1
        phone.touchscreen.tap(track["x"] + target * track["width"], track["y"] + track["height"] / 2)
        _wait_change(phone, phone_slot, before, "tapping the track on a phone")
        _check_agrees(phone, phone_slot, before, "tapping the track", f"{path} explorer {i} (phone)")
    assert len(lesson.errors) == errors_before, "errors while using the explorers:\n" + \
        "\n".join(lesson.errors[errors_before:])


@pytest.mark.parametrize("path", LESSONS)
def test_live_explorers_are_disabled_and_say_why(lessons, path):
    """No control may move while the picture shows another state: on the website a live
    explorer's controls are disabled, and a note says it needs a kernel and where to get one."""
    lesson = lessons[path]
    page = lesson.pages["desktop"]
    config = yaml.safe_load((sitekit.ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = urllib.parse.urlsplit(config["repository"]["url"]).path.strip("/")
    notebook = sitekit.source_stem(path) + ".ipynb"
    for i, kind in enumerate(_slot_kinds(lesson)):
        if kind != "live":
            continue
        slot = lesson.slots("desktop")[i]
        slot.scroll_into_view_if_needed()
        controls = _controls(page, slot)
        assert controls and all(c["disabled"] for c in controls), \
            f"{path} explorer {i} needs a kernel but has enabled controls: {controls}"
        shown = _shown(page, slot)
        handle = slot.locator(".noUi-handle").first
        if handle.count():
            handle.focus()
            page.keyboard.press("ArrowRight")
            _drag(page, slot, 0, 0.5)
            page.wait_for_timeout(100)
            assert _controls(page, slot) == controls, f"{path} explorer {i}: a disabled control moved"
            assert _shown(page, slot) == shown
        note = slot.locator("xpath=preceding-sibling::*[1]")  # read before the controls
        assert "bk-live-note" in (note.get_attribute("class") or ""), f"{path} explorer {i} has no note above it"
        text = note.inner_text()
        if sitekit.edition_of(path) == "en":
            assert "running kernel" in text and "disabled" in text
        else:  # the Korean edition says it in Korean
            assert "실행 중인 커널" in text and "꺼져" in text
        hrefs = note.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert any("mybinder.org" in h and repo in h and notebook in h for h in hrefs), hrefs
        assert any("colab.research.google.com" in h and repo in h and notebook in h for h in hrefs), hrefs


# --------------------------------------------------------- legible, usable on a phone

@pytest.mark.parametrize("path", LESSONS)
def test_readouts_are_page_text_of_12px_or_more_on_a_phone(lessons, path):
    lesson = lessons[path]
    readouts = lesson.pages["phone"].evaluate("""() => __bk.slots().map(s => __bk.frame(s)).filter(f => f)
      .map(f => f.querySelector('.bk-readout')).filter(r => r).map(r => {
        const cs = getComputedStyle(r);
        return {text: r.textContent.trim(), size: parseFloat(cs.fontSize), select: cs.userSelect,
                visible: r.checkVisibility(), hidden: !!r.closest('[aria-hidden="true"]')};
      })""")
    kinds = _slot_kinds(lesson, "phone")
    assert len(readouts) >= kinds.count("frames"), f"{path}: a kernel-free explorer has no readout"
    for r in readouts:
        assert r["text"] and r["visible"] and not r["hidden"], r
        assert r["size"] >= 12, f"{path}: readout {r['text'][:40]!r} is {r['size']} px"
        assert r["select"] != "none", "readouts must be selectable"


@pytest.mark.parametrize("path", LESSONS)
def test_touch_targets_full_width_sliders_and_aligned_labels(lessons, path):
    lesson = lessons[path]
    for i, slot in enumerate(lesson.slots("phone")):
        slot.scroll_into_view_if_needed()
        geometry = slot.evaluate("""s => {
          const box = s.getBoundingClientRect();
          const enabled = Array.from(s.querySelectorAll('.bk-live-host .widget-slider'))
            .filter(w => !w.querySelector('.noUi-target').hasAttribute('disabled'));
          return enabled.map(w => {
            const h = w.querySelector('.noUi-handle').getBoundingClientRect();
            const base = w.querySelector('.noUi-base').getBoundingClientRect();
            const cx = h.left + h.width / 2, cy = h.top + h.height / 2;
            const hits = [[-20, 0], [20, 0], [0, -20], [0, 20]].map(([dx, dy]) => {
              const el = document.elementFromPoint(cx + dx, cy + dy);
              return !!el && (el.closest('.noUi-handle') !== null || el.closest('.noUi-base') !== null);
            });
            return {hits, track: base.width, slot: box.width};
          });
        }""")
        for g in geometry:
            assert all(g["hits"]), f"{path} explorer {i}: the slider's hit area is under 44 px: {g['hits']}"
            assert g["track"] >= 0.8 * g["slot"], f"{path} explorer {i}: slider {g['track']:.0f} px of {g['slot']:.0f}"
    # In the text: a folded solution's title and a code cell's copy button, 44 px on the
    # phone, and on a desktop no bigger than they were (a copy button covers the code's end).
    sizes = "sel => Array.from(document.querySelectorAll(sel)).map(e => { const r = e.getBoundingClientRect(); " \
            "return {what: e.textContent.trim().slice(0, 30) || e.className, width: r.width, height: r.height}; })"
    phone = lesson.pages["phone"]
    summaries = phone.evaluate(sizes, "article details > summary")
    assert summaries, f"{path} has no folded solution"
    small = [s for s in summaries if s["height"] < 43.5]
    assert not small, f"{path}: solution titles under 44 px tall on a phone: {small[:3]}"
    copies = phone.evaluate(sizes, "article button.copybtn")
    assert copies, f"{path} has no copy button"
    small = [c for c in copies if c["width"] < 43.5 or c["height"] < 43.5]
    assert not small, f"{path}: copy buttons under 44 px on a phone: {small[:3]}"
    big = [c for c in lesson.pages["desktop"].evaluate(sizes, "article button.copybtn") if c["height"] > 40]
    assert not big, f"{path}: copy buttons grew on a desktop: {big[:3]}"
    desktop = lesson.pages["desktop"]
    for i, slot in enumerate(lesson.slots("desktop")):
        lefts = slot.evaluate("s => Array.from(s.querySelectorAll('.bk-live-host .widget-slider .noUi-base'))"
                              ".map(b => Math.round(b.getBoundingClientRect().left))")
        assert len(set(lefts)) <= 1, f"{path} explorer {i}: slider tracks start at {lefts} (labels not aligned)"
        handle = slot.locator(".bk-live-host .noUi-handle:not([disabled])").first
        if _slot_kinds(lesson)[i] == "frames" and handle.count():
            handle.scroll_into_view_if_needed()
            desktop.keyboard.press("Tab")  # the browser shows focus rings after a key press
            handle.focus()
            ring = handle.evaluate("h => { const cs = getComputedStyle(h); "
                                   "return [cs.outlineStyle, parseFloat(cs.outlineWidth)]; }")
            assert ring[0] != "none" and ring[1] >= 2, f"{path} explorer {i}: no visible focus ring ({ring})"



# ---------------------------------------------------------------- figures, dark mode

@pytest.mark.parametrize("path", LESSONS)
def test_figures_are_inline_svg_with_alt_text(lessons, path):
    page = lessons[path].pages["static"]
    figures = page.evaluate("""() => ({
      svgs: Array.from(document.querySelectorAll('.bk-figure-image > svg.bk-figure-svg')).map(s => s.getAttribute('aria-label')),
      rasters: Array.from(document.querySelectorAll('main .cell_output img')).map(i => i.src.slice(0, 60)),
    })""")
    assert figures["svgs"], f"{path} shows no inline SVG figure"
    assert all(alt and alt.strip() for alt in figures["svgs"]), f"{path}: a figure has no alt text"
    assert not figures["rasters"], f"{path}: figures still shown as raster images: {figures['rasters']}"


DARK_JS = """mode => {
  localStorage.setItem('mode', mode); localStorage.setItem('theme', mode);
  document.documentElement.dataset.mode = mode; document.documentElement.dataset.theme = mode;
}"""

#: Colours the reader sees in explorers and figures: the page background, the figures'
#: paper and ink, the readouts, tick labels and the C0/C1 data colours.
COLOURS_JS = """() => {
  const rgb = c => { const m = c.match(/[\\d.]+/g); return m ? m.slice(0, 3).map(Number) : null; };
  const bg = rgb(getComputedStyle(document.body).backgroundColor);
  const fill = sel => { const el = document.querySelector(sel); return el ? rgb(getComputedStyle(el).fill) : null; };
  const readouts = Array.from(document.querySelectorAll('.bk-readout')).filter(r => r.checkVisibility())
    .map(r => rgb(getComputedStyle(r).color));
  const paper = Array.from(document.querySelectorAll('.bk-figure-image svg path, .bk-slot svg.bk-background path'))
    .filter(p => (p.getAttribute('style') || '').includes('--bk-paper')).slice(0, 1).map(p => rgb(getComputedStyle(p).fill));
  const text = Array.from(document.querySelectorAll('.bk-figure-image svg use, .bk-slot svg use')).slice(0, 20)
    .map(u => rgb(getComputedStyle(u).fill));
  const labels = Array.from(document.querySelectorAll('.bk-slot .widget-label, .bk-slot .widget-readout'))
    .filter(l => l.checkVisibility() && !l.closest('.jupyter-widgets[disabled], [disabled]'))
    .map(l => rgb(getComputedStyle(l).color));
  const c0 = Array.from(document.querySelectorAll('svg path')).find(p => (p.getAttribute('style') || '').includes('--bk-c0'));
  const c1 = Array.from(document.querySelectorAll('svg path')).find(p => (p.getAttribute('style') || '').includes('--bk-c1'));
  const dataColour = p => { if (!p) return null; const cs = getComputedStyle(p);
    return rgb((p.getAttribute('style') || '').match(/stroke: var\\(--bk-c/) ? cs.stroke : cs.fill); };
  return {bg, paper, text, readouts, labels, c0: dataColour(c0), c1: dataColour(c1)};
}"""


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", LESSONS)
def test_figures_and_explorers_take_the_theme_colours(lessons, path, mode):
    page = lessons[path].pages["desktop"]
    page.evaluate(DARK_JS, mode)
    try:
        colours = page.evaluate(COLOURS_JS)
    finally:
        page.evaluate(DARK_JS, "light")
    bg = colours["bg"]
    assert (sum(bg) < 200) == (mode == "dark"), f"the theme did not switch to {mode}: body {bg}"
    assert colours["paper"] and colours["paper"][0] == bg, \
        f"{path} ({mode}): the figures' paper {colours['paper']} is not the page background {bg}"
    for name in ("text", "readouts", "labels"):
        assert colours[name], f"{path} ({mode}): found no {name}"
        worst = min(contrast(c, bg) for c in colours[name])
        assert worst >= 4.5, f"{path} ({mode}): {name} contrast {worst:.2f}:1 with the background"
    for name in ("c0", "c1"):
        if colours[name] is not None and mode == "dark":
            assert contrast(colours[name], bg) >= 3, f"{path} (dark): {name} contrast {contrast(colours[name], bg):.2f}"


# -------------------------------------------------------------------- budgets

@pytest.mark.parametrize("path", LESSONS)
def test_widget_state_budget(built_site, path):
    size = sitekit.widget_state_gzip_bytes(built_site / path)
    assert 0 < size <= sitekit.WIDGET_STATE_BUDGET, (
        f"{path} carries {size / 1024:.0f} KiB of widget state (gzipped); the budget is "
        f"{sitekit.WIDGET_STATE_BUDGET // 1024} KiB")


def test_widget_bundle_budget(built_site):
    bundle = built_site / "_static" / "widgets" / "bk-widgets.js"
    css = bundle.with_suffix(".css")
    size = sum(len(gzip.compress(f.read_bytes(), 6)) for f in (bundle, css))
    print(f"\nwidget bundle: {bundle.stat().st_size / 1000:.0f} kB raw + {css.stat().st_size / 1000:.0f} kB CSS, "
          f"{size / 1000:.0f} kB gzipped")
    assert size <= BUNDLE_BUDGET, f"the widget bundle is {size / 1000:.0f} kB gzipped (budget {BUNDLE_BUDGET / 1000:.0f})"
    for path in LESSONS:
        html = (built_site / path).read_text(encoding="utf-8")
        assert "html-manager" not in html and "embed.js" not in html, f"{path} still loads embed.js"


@pytest.mark.parametrize("path", LESSONS)
def test_frame_switch_is_fast(lessons, path):
    page = lessons[path].pages["desktop"]
    kinds = _slot_kinds(lessons[path])
    slot = lessons[path].slots("desktop")[kinds.index("frames")]
    slot.scroll_into_view_if_needed()
    handle = slot.locator(".noUi-handle").first
    handle.focus()
    if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
        page.keyboard.press("Home")
    page.evaluate("""s => { window.__switch = new Promise(resolve => {
        const before = __bk.shown(s).picture; let t0 = null;
        document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
        const obs = new MutationObserver(() => { const x = __bk.shown(s);
          if (t0 !== null && x && x.picture !== before) { obs.disconnect();
            const dom = performance.now() - t0;
            requestAnimationFrame(() => setTimeout(() => resolve({dom, painted: performance.now() - t0}), 0)); } });
        obs.observe(s, {subtree: true, childList: true, attributes: true});
        setTimeout(() => { obs.disconnect(); resolve(null); }, 5000); }); }""", slot.element_handle())
    page.keyboard.press("ArrowRight")
    timing = page.evaluate("window.__switch")
    assert timing is not None, "the frame did not change within 5 s of the keypress"
    print(f"\n{path}: frame switch {timing['dom']:.1f} ms to the DOM, {timing['painted']:.1f} ms to paint")
    assert timing["dom"] < SWITCH_BUDGET_MS


@pytest.mark.parametrize("path", LESSONS)
def test_no_errors(lessons, path):
    assert not lessons[path].errors, "\n".join(lessons[path].errors)


def test_bundle_loads_only_on_pages_with_explorers(built_site):
    for path in sitekit.toc_documents():
        html = (built_site / path).read_text(encoding="utf-8")
        has_state = 'application/vnd.jupyter.widget-state+json' in html
        assert ("bk-widgets.js" in html) == has_state, path
        if has_state:
            head = html.split("</head>", 1)[0]
            assert "widget-state+json" not in head, f"{path}: widget state in the head delays the first paint"
            assert re.search(r'widget-state\+json" data-src="[^"]+"></script>', html), \
                f"{path}: the widget state belongs beside the page, loaded after the first paint"



# ------------------------------------------------- controls for keyboard and screen readers

#: A slider's readout: what it is in the page (editable? a Tab stop?) and what it says.
READOUTS_JS = """s => Array.from(s.querySelectorAll('.bk-live-host .widget-slider .widget-readout')).map(r => ({
  text: r.textContent.trim(), editable: r.isContentEditable,
  tabStop: r.tabIndex >= 0 || r.isContentEditable}))"""


@pytest.mark.parametrize("path", LESSONS)
def test_slider_readouts_show_the_value_and_cannot_be_typed_into(lessons, path):
    """On the kernel-free website typing into a readout changed the number but not the
    picture: a readout is a display of its slider's value, not a text box nor a Tab stop,
    also after the slider moved (ipywidgets makes it editable again on every update)."""
    lesson = lessons[path]
    page = lesson.pages["desktop"]
    for i, kind in enumerate(_slot_kinds(lesson)):
        slot = lesson.slots("desktop")[i]
        slot.scroll_into_view_if_needed()
        readouts = slot.evaluate(READOUTS_JS)
        assert readouts, f"{path} explorer {i} has no slider readout"
        bad = [r for r in readouts if r["editable"] or r["tabStop"]]
        assert not bad, f"{path} explorer {i}: readouts that can be typed into or tabbed to: {bad}"
        if kind != "frames":
            continue
        handle = slot.locator(".bk-live-host .noUi-handle").first
        handle.focus()
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        shown = _shown(page, slot)
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        shown = _wait_change(page, slot, shown, "an arrow key")
        bad = [r for r in slot.evaluate(READOUTS_JS) if r["editable"] or r["tabStop"]]
        assert not bad, f"{path} explorer {i}: after the slider moved, readouts are editable again: {bad}"
        # A reader clicks the value and types another: neither the value nor the picture changes.
        before = slot.evaluate(READOUTS_JS)
        readout = slot.locator(".bk-live-host .widget-readout").first
        readout.click()
        page.keyboard.type("0.25")
        page.keyboard.press("Enter")
        readout.evaluate("r => r.blur()")
        page.wait_for_timeout(150)
        assert slot.evaluate(READOUTS_JS) == before, f"{path} explorer {i}: typing changed a readout"
        assert _shown(page, slot) == shown, f"{path} explorer {i}: typing into a readout changed the picture"
        handle.focus()
        page.keyboard.press("ArrowRight" if at_end else "ArrowLeft")  # back where it was


#: Each enabled slider's handle and track, and the page colour around them.
SLIDER_COLOURS_JS = """s => {
  const rgba = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const page = rgba(getComputedStyle(document.body).backgroundColor);
  return Array.from(s.querySelectorAll('.bk-live-host .widget-slider'))
    .filter(w => !w.querySelector('.noUi-target').hasAttribute('disabled')).map(w => {
      const h = getComputedStyle(w.querySelector('.noUi-handle'));
      const t = getComputedStyle(w.querySelector('.noUi-target'));
      const connect = w.querySelector('.noUi-connect');
      return {page, border: rgba(h.borderTopColor), borderWidth: parseFloat(h.borderTopWidth),
              fill: rgba(h.backgroundColor), track: rgba(t.borderTopColor), trackWidth: parseFloat(t.borderTopWidth),
              connect: connect ? rgba(getComputedStyle(connect).backgroundColor) : null};
    });
}"""


def _over(colour, page):
    """An rgba colour as seen over the page's colour."""
    alpha = colour[3]
    return [alpha * c + (1 - alpha) * p for c, p in zip(colour[:3], page[:3])]


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", LESSONS)
def test_slider_handle_and_track_stand_out_from_the_page(lessons, path, mode):
    """WCAG 1.4.11: a slider's handle and track at least 3:1 against the page around them,
    in light and in dark mode (the handle was dark on the dark page, 1.3:1)."""
    lesson = lessons[path]
    page = lesson.pages["desktop"]
    page.mouse.move(0, 0)  # at rest: not hovered, not focused (those draw the handle in the theme's colour)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate(DARK_JS, mode)
    try:
        sliders = [s for slot in lesson.slots("desktop") for s in slot.evaluate(SLIDER_COLOURS_JS)]
    finally:
        page.evaluate(DARK_JS, "light")
    assert sliders, f"{path} has no enabled slider"
    for n, s in enumerate(sliders):
        bg = s["page"][:3]
        assert (sum(bg) < 200) == (mode == "dark"), f"the theme did not switch to {mode}: body {bg}"
        handle = max(contrast(_over(s["border"], bg), bg) if s["borderWidth"] >= 1 else 0,
                     contrast(_over(s["fill"], bg), bg))
        assert handle >= 3, f"{path} ({mode}) slider {n}: the handle is {handle:.2f}:1 against the page: {s}"
        track = max(contrast(_over(s["track"], bg), bg) if s["trackWidth"] >= 1 else 0,
                    contrast(_over(s["connect"], bg), bg) if s["connect"] else 0)
        assert track >= 3, f"{path} ({mode}) slider {n}: the track is {track:.2f}:1 against the page: {s}"


def test_live_explorer_controls_are_disabled_for_keyboard_and_screen_readers(lessons):
    """A live explorer's disabled sliders are no Tab stops, say aria-disabled, show a
    not-allowed pointer and are dimmed; its note comes before its controls."""
    live = [(path, i) for path in LESSONS for i, kind in enumerate(_slot_kinds(lessons[path])) if kind == "live"]
    assert live, "no lesson has a live explorer"
    for path, i in live:
        lesson = lessons[path]
        page = lesson.pages["desktop"]
        slot = lesson.slots("desktop")[i]
        slot.scroll_into_view_if_needed()
        handles = slot.evaluate("""s => Array.from(s.querySelectorAll('.bk-live-host .noUi-handle')).map(h => {
          let opacity = 1;
          for (let e = h; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
          return {ariaDisabled: h.getAttribute('aria-disabled'), tabIndex: h.tabIndex,
                  cursor: getComputedStyle(h).cursor, opacity};
        })""")
        assert handles, f"{path} explorer {i} has no slider"
        for h in handles:
            assert h["ariaDisabled"] == "true", f"{path} explorer {i}: a disabled slider without aria-disabled: {h}"
            assert h["tabIndex"] < 0, f"{path} explorer {i}: a disabled slider is a Tab stop: {h}"
            assert h["cursor"] == "not-allowed", f"{path} explorer {i}: a disabled slider shows {h['cursor']}"
            assert h["opacity"] <= 0.8, f"{path} explorer {i}: a disabled slider is not dimmed: {h}"
        # Tab from the note's last link goes past the explorer's disabled controls.
        note = slot.locator("xpath=preceding-sibling::*[1]")
        assert "bk-live-note" in (note.get_attribute("class") or ""), f"{path} explorer {i}: no note above it"
        note.locator("a").last.focus()
        for _ in range(len(handles) + 1):
            page.keyboard.press("Tab")
            inside = page.evaluate("s => s.contains(document.activeElement) ? document.activeElement.outerHTML.slice(0, 80) : null",
                                   slot.element_handle())
            assert inside is None, f"{path} explorer {i}: Tab stops on a disabled control: {inside}"
        # The note is read first: above the controls and the picture.
        note_bottom, first = slot.evaluate(
            "s => [s.previousElementSibling.getBoundingClientRect().bottom, s.querySelector("
            "'.bk-live-host .widget-slider, .bk-live-host .widget-toggle-buttons').getBoundingClientRect().top]")
        assert note_bottom <= first, f"{path} explorer {i}: the note is not above the controls"


def test_toggle_buttons_are_a_named_group_that_says_which_is_pressed(lessons):
    """Lesson 1's bits/nats: a group named by its label, each button's aria-pressed
    following the choice; no widget label carries the tooltip "null"."""
    groups = 0
    for path in LESSONS:
        lesson = lessons[path]
        page = lesson.pages["desktop"]
        nulls = page.evaluate("() => Array.from(document.querySelectorAll('.bk-slot [title]'))"
                              ".filter(e => ['null', 'undefined', ''].includes(e.getAttribute('title').trim()))"
                              ".map(e => e.outerHTML.slice(0, 80))")
        assert not nulls, f"{path}: empty or 'null' tooltips: {nulls[:3]}"
        for i, slot in enumerate(lesson.slots("desktop")):
            toggles = slot.locator(".bk-live-host .widget-toggle-buttons")
            for t in range(toggles.count()):
                groups += 1
                toggle = toggles.nth(t)
                toggle.scroll_into_view_if_needed()
                state = """t => { const g = t.querySelector('[role="group"]');
                  return {label: t.querySelector('.widget-label').textContent.trim(),
                          group: g ? g.getAttribute('aria-label') : null,
                          buttons: Array.from(t.querySelectorAll('button')).map(b =>
                            [b.getAttribute('aria-pressed'), b.classList.contains('mod-active')])}; }"""
                info = toggle.evaluate(state)
                where = f"{path} explorer {i} toggle {t}"
                assert info["group"] and info["group"] == info["label"], f"{where}: group not named by its label: {info}"
                assert [p for p, _ in info["buttons"]].count("true") == 1, f"{where}: {info}"
                assert all(p == ("true" if active else "false") for p, active in info["buttons"]), f"{where}: {info}"
                chosen = [p for p, _ in info["buttons"]].index("true")
                other = toggle.locator("button").nth(1 if chosen == 0 else 0)
                other.click()
                page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'", arg=other.element_handle())
                after = toggle.evaluate(state)
                assert [p for p, _ in after["buttons"]].count("true") == 1, f"{where} after a click: {after}"
                assert all(p == ("true" if active else "false") for p, active in after["buttons"]), f"{where}: {after}"
                toggle.locator("button").nth(chosen).click()  # back where it was
    assert groups >= 1, "no explorer has toggle buttons"


# ------------------------------------------------ when the widget scripts cannot run

@pytest.mark.parametrize("blocked", ["**/*.widgets.js", "**/_static/widgets/bk-widgets.js"])
def test_explorers_say_so_when_their_scripts_do_not_load(browser, base_url, blocked):  # noqa: F811
    """Blocked, offline or failing: the static first frame says its controls need
    JavaScript, as it does with JavaScript off; a working page says nothing of it."""
    path = LESSONS[0]
    context = sitekit.offline_context(browser, base_url, viewport=sitekit.DESKTOP)
    context.route(blocked, lambda route: route.abort("blockedbyclient"))
    try:
        page = sitekit.new_page(context)
        page.goto(base_url + path)
        slots = page.locator(".bk-slot").count()
        assert slots, f"{path} has no explorer"
        page.wait_for_function("n => Array.from(document.querySelectorAll('.bk-nojs-note'))"
                               ".filter(p => p.checkVisibility()).length >= n", arg=slots, timeout=10_000)
        notes = page.evaluate("""() => Array.from(document.querySelectorAll('.bk-slot')).map(s => {
          const p = s.previousElementSibling;
          return p && p.matches('.bk-nojs-note') && p.checkVisibility() ? p.textContent : null; })""")
        assert all(n and "JavaScript" in n and "first setting" in n for n in notes), notes
    finally:
        context.close()


@pytest.mark.parametrize("path", LESSONS)
def test_explorers_say_their_controls_need_javascript_when_it_is_off(lessons, path):
    lesson = lessons[path]
    off = lesson.pages["static"].evaluate(
        "() => Array.from(document.querySelectorAll('.bk-nojs-note')).filter(p => p.checkVisibility()).map(p => p.textContent)")
    assert len(off) == len(lesson.slots("static")), f"{path} with JavaScript off: notes {off}"
    assert all(("JavaScript" in n and "first setting" in n) if sitekit.edition_of(path) == "en"
               else ("자바스크립트" in n and "처음 설정" in n) for n in off), off
    on = lesson.pages["desktop"].evaluate(
        "() => Array.from(document.querySelectorAll('.bk-nojs-note')).filter(p => p.checkVisibility()).length")
    assert on == 0, f"{path}: {on} 'needs JavaScript' notes on a page whose explorers work"
