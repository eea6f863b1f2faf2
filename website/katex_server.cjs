// Renders TeX with KaTeX for website/katex_math.py: one process per book build.
//
// Reads one JSON request per line on stdin, {"tex": "...", "display": true},
// and answers each with one JSON line on stdout: {"html": "..."} (KaTeX's HTML
// with MathML for screen readers, plus any "warnings" of KaTeX's strict mode)
// or {"error": "..."} when KaTeX cannot render the formula.
"use strict";

const katex = require("katex");
const readline = require("readline");

const lines = readline.createInterface({input: process.stdin, terminal: false});

lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    const warnings = [];
    const html = katex.renderToString(request.tex, {
      displayMode: Boolean(request.display),
      output: "htmlAndMathml",
      throwOnError: true,
      trust: false,
      // LaTeX that KaTeX renders but LaTeX itself would not: report it (the
      // Sphinx module turns each report into a build warning), render anyway.
      strict: (code, message) => { warnings.push(`${code}: ${message}`); return "ignore"; },
    });
    reply = {html, warnings};
  } catch (error) {
    reply = {error: String(error && error.message ? error.message : error)};
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});

process.stdout.write(JSON.stringify({ready: true, version: katex.version}) + "\n");
