"""A tiny local Sphinx extension for the book's website (listed in _config.yml).

It removes duplicated inline ``<script>`` blocks from every page.  With
Sphinx 7.4, a script that an extension registers with a body and no file
during ``builder-inited`` (sphinx-thebe's ``const THEBE_JS_URL = ...``,
sphinx-togglebutton's ``var togglebuttonSelector = ...``) is emitted twice,
once as ``_JavaScript(None)`` and once as ``_JavaScript('')``, which do not
compare equal.  The second ``const`` declaration is a ``SyntaxError``
("Identifier 'THEBE_JS_URL' has already been declared") in every page's
console.  Keeping only the first copy of each identical script fixes it.
"""

from __future__ import annotations


def _key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: Sphinx restores the list after each page


def setup(app):
    # Late priority: run after the extensions that add per-page scripts (myst-nb's widgets).
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
