import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { RULES_MD, rulesMarkdown } from "../../scripts/write-rules-md.js";

it("RULES.md is generated from the registry and up to date (run scripts/write-rules-md.ts)", () => {
  expect(readFileSync(RULES_MD, "utf8")).toBe(rulesMarkdown());
});
