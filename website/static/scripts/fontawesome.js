/* Replaces the theme's _static/scripts/fontawesome.js (html_static_path files
 * overwrite theme files of the same name).  The original, 1.5 MB (0.54 MB
 * gzipped) on every page, swaps each <i class="fa-..."> icon for an inline
 * <svg>; that is needed only for custom icons, which this book has none of.
 * The theme's stylesheet already draws every icon from the Font Awesome 6 web
 * fonts.  (The swap also broke ipywidgets' Play widget.) */
