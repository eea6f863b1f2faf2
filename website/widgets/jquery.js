/* ipywidgets keeps a jQuery wrapper of each view's element (view.$el) only for
 * older widget libraries; its own views use the DOM (Backbone.NativeView).
 * This stands in for jQuery (90 kB) with the one thing the book's views touch:
 * $(el)[0] === el. */
export default function $(el) {
  if (!(this instanceof $)) return new $(el);
  this[0] = el;
  this.length = el ? 1 : 0;
}
