/* The widget manager sanitises widget descriptions written as HTML
 * (description_allow_html) with sanitize-html (about 250 kB with its parser).
 * The book's descriptions are plain text: show any HTML as text. */
export default function sanitize(source) {
  const el = document.createElement('div');
  el.textContent = source;
  return el.innerHTML;
}
