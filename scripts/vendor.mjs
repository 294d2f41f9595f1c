// Copy the built files of the front-end packages (installed by `npm ci` from package-lock.json) into
// voucher/static/vendor/ and tests/e2e/vendor/, and list their versions and licences in
// voucher/static/vendor/README.md. The copies are committed: running the platform needs no Node.js.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const staticVendor = join(root, "voucher/static/vendor");
const testVendor = join(root, "tests/e2e/vendor");

// package → [source inside the package, destination folder]
const files = {
  bootstrap: [
    ["dist/css/bootstrap.min.css", staticVendor],
    ["dist/css/bootstrap.min.css.map", staticVendor],
    ["dist/js/bootstrap.bundle.min.js", staticVendor],
    ["dist/js/bootstrap.bundle.min.js.map", staticVendor],
  ],
  "bootstrap-icons": [
    ["font/bootstrap-icons.min.css", staticVendor],
    ["font/fonts/bootstrap-icons.woff2", staticVendor, "fonts"],
    ["font/fonts/bootstrap-icons.woff", staticVendor, "fonts"],
  ],
  "htmx.org": [["dist/htmx.min.js", staticVendor]],
  echarts: [
    ["dist/echarts.min.js", staticVendor],
    ["i18n/langZH.js", staticVendor],
  ],
  "axe-core": [["axe.min.js", testVendor]],
};

rmSync(staticVendor, { recursive: true, force: true });
rmSync(testVendor, { recursive: true, force: true });
const rows = [];
for (const [pkg, list] of Object.entries(files)) {
  const meta = JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8"));
  for (const [source, base, sub] of list) {
    const folder = join(base, pkg, sub ?? "");
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(root, "node_modules", pkg, source), join(folder, source.split("/").pop()));
  }
  const where = list[0][1] === testVendor ? "tests/e2e/vendor (browser tests only)" : "voucher/static/vendor";
  rows.push(`| ${pkg} | ${meta.version} | ${meta.license} | ${where} |`);
}
writeFileSync(
  join(staticVendor, "README.md"),
  [
    "# Vendored front-end packages",
    "",
    "Built files of packages from the npm registry, pinned by `package.json` and `package-lock.json`.",
    "Regenerate with `npm ci && npm run vendor` (needs Node.js; running the platform does not).",
    "Nothing is loaded from a CDN.",
    "",
    "| Package | Version | Licence | Copied to |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
console.log(rows.join("\n"));
