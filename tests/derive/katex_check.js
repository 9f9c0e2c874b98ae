// Render every TeX string of a JSON array (stdin) with KaTeX, throwOnError: true.
// Prints a JSON array: null for a string that rendered, the error message otherwise.
// Usage: node katex_check.js KATEX_DIR < formulas.json   (KATEX_DIR: the npm katex package's folder)
const katex = require(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(([tex, display]) => {
    try {
      katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error" });
      return null;
    } catch (err) {
      return String(err.message || err);
    }
  });
  process.stdout.write(JSON.stringify(results));
});
