// Writes the pictures shown in README and docs: `topoplan plan --format svg|png` of every example
// stack and one what-if, into docs/pictures/. Run by `npm run pictures` (and `npm run example`);
// test/picture/docs.test.ts fails when a committed SVG is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pictureFiles } from "../test/picture/docs-pictures.js";

const dir = join(import.meta.dirname, "..", "docs", "pictures");
mkdirSync(dir, { recursive: true });
for (const { name, svg, png } of await pictureFiles()) {
  writeFileSync(join(dir, `${name}.svg`), svg);
  writeFileSync(join(dir, `${name}.png`), await png());
  console.log(`wrote docs/pictures/${name}.svg and .png`);
}
