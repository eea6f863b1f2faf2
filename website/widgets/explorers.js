/* The book's widget front end: ipywidgets' own packages, only the views the book uses.
 *
 * Built by website/explorers.py with esbuild (pinned in website/package.json)
 * into _static/widgets/bk-widgets.js (+ .css).  A page with widgets loads it,
 * with the page's widget state, right after its first paint (a small loader
 * that website/explorers.py puts into the page's head).  Once the page's HTML
 * is complete it renders every widget view of the page from that state,
 * nearest the viewport first, each in place of the static first frame the
 * build put beside it.
 */
import { ManagerBase } from '@jupyter-widgets/base-manager';
import { LayoutModel, LayoutView, StyleModel, StyleView } from '@jupyter-widgets/base';
import { Widget } from '@lumino/widgets';
import { BoxModel, BoxView, VBoxModel, VBoxView, HBoxModel, HBoxView } from '@jupyter-widgets/controls/lib/widget_box';
import { StackModel, StackView } from '@jupyter-widgets/controls/lib/widget_selectioncontainer';
import { HTMLModel, HTMLView, HTMLStyleModel } from '@jupyter-widgets/controls/lib/widget_string';
import {
  SelectionSliderModel, SelectionSliderView, ToggleButtonsModel, ToggleButtonsView,
  ToggleButtonsStyleModel, DropdownModel, DropdownView,
} from '@jupyter-widgets/controls/lib/widget_selection';
import { FloatSliderModel, FloatSliderView, FloatLogSliderModel, FloatLogSliderView } from '@jupyter-widgets/controls/lib/widget_float';
import { SliderStyleModel } from '@jupyter-widgets/controls/lib/widget_int';
import { DescriptionStyleModel } from '@jupyter-widgets/controls/lib/widget_description';
import { LinkModel, DirectionalLinkModel } from '@jupyter-widgets/controls/lib/widget_link';
import '@jupyter-widgets/controls/css/widgets-base.css';

/* ---------------------------------------------------------------- the book's views
 *
 * ipywidgets' views, with what a kernel-free page needs changed:
 *
 * - A slider's readout is a display of its value, not a text box: ipywidgets makes
 *   it contenteditable (a kernel would parse what is typed), but here typing into
 *   it changed the number and not the picture.  SliderView.update() sets
 *   contentEditable again on every model change, so it is undone after every update.
 *   The handle is the keyboard control.
 * - A disabled slider (a live explorer's, which needs a kernel) is disabled for the
 *   keyboard and screen readers too: its handle leaves the Tab order and says
 *   aria-disabled="true" (ipywidgets only sets the track's disabled attribute).
 * - A description without a tooltip gets no title (ipywidgets writes title="null").
 * - Toggle buttons are a named group of buttons whose aria-pressed says which one is on.
 */

/* The label's title is the widget's tooltip, or none (not the text "null"). */
function tooltipFix(Base) {
  return class extends Base {
    updateTooltip() {
      if (!this.label) return;
      const tip = this.model.get('tooltip');
      if (tip) this.label.title = tip;
      else this.label.removeAttribute('title');
    }
  };
}

function sliderFix(Base) {
  return class extends tooltipFix(Base) {
    update(options) {
      const result = super.update(options);
      this.bookControls();
      return result;
    }

    createSlider() {
      super.createSlider();
      if (this.readout) this.bookControls();
    }

    bookControls() {
      this.readout.contentEditable = 'false';
      this.readout.removeAttribute('tabindex');
      const disabled = !!this.model.get('disabled');
      for (const handle of this.el.querySelectorAll('.noUi-handle')) {
        if (disabled) {
          handle.setAttribute('tabindex', '-1');
          handle.setAttribute('aria-disabled', 'true');
        } else {
          handle.setAttribute('tabindex', '0');
          handle.removeAttribute('aria-disabled');
        }
      }
    }
  };
}

class BookSelectionSliderView extends sliderFix(SelectionSliderView) {}
class BookFloatSliderView extends sliderFix(FloatSliderView) {}
class BookFloatLogSliderView extends sliderFix(FloatLogSliderView) {}
class BookDropdownView extends tooltipFix(DropdownView) {}
class BookHTMLView extends tooltipFix(HTMLView) {}

class BookToggleButtonsView extends tooltipFix(ToggleButtonsView) {
  render() {
    super.render();
    this.buttongroup.setAttribute('role', 'group');
    this.listenTo(this.model, 'change:description', this.bookGroupName);
    this.bookGroupName();
  }

  bookGroupName() {
    const name = (this.model.get('description') || '').trim();
    if (name) this.buttongroup.setAttribute('aria-label', name);
    else this.buttongroup.removeAttribute('aria-label');
  }

  update(options) {
    const result = super.update(options);
    const index = this.model.get('index');
    for (const button of this.buttongroup.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(parseInt(button.value, 10) === index));
    }
    return result;
  }
}

/* The classes the book's explorers are made of (ipywidgets 8: base 2.0.0, controls 2.0.0). */
const CLASSES = {
  '@jupyter-widgets/base': { LayoutModel, LayoutView, StyleModel, StyleView },
  '@jupyter-widgets/controls': {
    BoxModel, BoxView, VBoxModel, VBoxView, HBoxModel, HBoxView,
    StackModel, StackView,
    HTMLModel, HTMLView: BookHTMLView, HTMLStyleModel,
    SelectionSliderModel, SelectionSliderView: BookSelectionSliderView,
    ToggleButtonsModel, ToggleButtonsView: BookToggleButtonsView,
    ToggleButtonsStyleModel, DropdownModel, DropdownView: BookDropdownView,
    FloatSliderModel, FloatSliderView: BookFloatSliderView,
    FloatLogSliderModel, FloatLogSliderView: BookFloatLogSliderView,
    SliderStyleModel,
    DescriptionStyleModel,
    LinkModel, DirectionalLinkModel,
  },
};

/* Widget labels are plain Unicode: no math typesetting (and no MathJax needed). */
const NO_TYPESETTING = { latexTypesetter: { typeset() {} } };

class BookWidgetManager extends ManagerBase {
  constructor() {
    super();
    this._rendermime = NO_TYPESETTING;
  }

  async loadClass(className, moduleName, moduleVersion) {
    const cls = (CLASSES[moduleName] || {})[className];
    if (!cls || !/^2\./.test(moduleVersion)) {
      throw new Error(`the book's widget bundle has no ${moduleName}@${moduleVersion} ${className}: ` +
                      'add it to website/widgets/explorers.js');
    }
    return cls;
  }

  /* No kernel: the page's widgets talk only to each other (browser-side links). */
  _get_comm_info() {
    return Promise.resolve({});
  }

  _create_comm() {
    return Promise.resolve({ on_close() {}, on_msg() {}, close() {}, send() {} });
  }
}

const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

/* This script's own element: only known while the script first runs. */
const SELF = document.currentScript;

function stylesheet() {
  const script = SELF;
  if (!script || !script.src) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = script.src.replace(/\.js(\?.*)?$/, '.css');
  // First in the cascade: the page's own styles (the theme, explorers.css) win over
  // the widgets' defaults at equal specificity.
  document.head.insertBefore(link, document.head.querySelector('link[rel="stylesheet"]'));
  return new Promise((resolve) => {
    link.onload = resolve;
    link.onerror = resolve;
  });
}

/* The page's widget state: embedded in the page, or (as the book's build writes it)
 * in a script beside the page that the page loads with this bundle (data-src). */
async function widgetState(tag) {
  if (tag.textContent.trim()) return JSON.parse(tag.textContent);
  if (!window.bkWidgetState) {
    await new Promise((resolve) => document.addEventListener('bk-widget-state', resolve, { once: true }));
  }
  return window.bkWidgetState;
}

/* Resolves when the view and every view inside it are displayed (ipywidgets
 * creates the views of a box's children asynchronously). */
async function settled(view) {
  await view.displayed;
  const list = view.children_views;
  if (list && list.views) {
    const children = await Promise.all(list.views);
    await Promise.all(children.map(settled));
  }
}

function distance(el) {
  const r = el.getBoundingClientRect();
  if (r.bottom < 0) return -r.bottom;
  if (r.top > window.innerHeight) return r.top - window.innerHeight;
  return 0;
}

async function render(manager, script) {
  const spec = JSON.parse(script.textContent);
  if (!manager.has_model(spec.model_id)) return;
  const model = await manager.get_model(spec.model_id);
  const slot = script.closest('.bk-slot');
  const host = document.createElement('div');
  host.className = 'bk-live-host';
  if (slot) host.hidden = true; // until rendered: the static first frame stays in view
  script.parentElement.insertBefore(host, script);
  const view = await manager.create_view(model);
  Widget.attach(view.luminoWidget, host);
  await settled(view);
  // Screen readers announce a new frame (its alt text and readout) when a control moves it.
  for (const frames of host.querySelectorAll('.bk-frames')) {
    if (!frames.parentElement.closest('.bk-frames')) frames.setAttribute('aria-live', 'polite');
  }
  if (slot) {
    const still = slot.querySelector(':scope > .bk-static');
    host.hidden = false;
    if (still) still.remove();
    slot.classList.add('bk-rendered');
  }
}

async function main() {
  if (document.readyState === 'loading') {
    await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve));
  }
  const tag = document.querySelector(STATE);
  if (!tag) return;
  performance.mark('bk-widgets-start');
  const css = stylesheet();
  const manager = new BookWidgetManager();
  await manager.set_state(await widgetState(tag));
  performance.mark('bk-widgets-state');
  await css;
  const scripts = Array.from(document.querySelectorAll(VIEW));
  scripts.sort((a, b) => distance(a.parentElement) - distance(b.parentElement));
  for (const script of scripts) {
    try {
      await render(manager, script);
    } catch (error) {
      console.error('could not render a widget', error);
    }
  }
  performance.mark('bk-widgets-ready');
  document.documentElement.classList.add('bk-widgets-ready');
}

main();
