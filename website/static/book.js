/* The book's own script (listed in _config.yml: html_js_files). */
