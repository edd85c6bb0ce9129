// Joins the per-stack review parts (scripts/pr-review.sh) into one PR comment under GitHub's
// 65,536-character limit. The first line is the marker the action finds its own comment by.
// Usage: node scripts/pr-comment.mjs <parts-dir> <status> [folder]  > comment.md
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const LIMIT = 65_536;

const VERDICT = {
  pass: "✅ no destructive change, no error",
  findings: "❌ error-level findings",
  destructive: "❌ destructive changes",
  invalid: "❌ a spec did not load",
  error: "❌ topoplan did not run",
};

const [dir, status = "pass", folder = ""] = process.argv.slice(2);
// One comment per project: a review run in a subfolder (the action's working-directory) has its own.
const safeFolder = folder.replace(/[^A-Za-z0-9._/@+-]/g, "");
const MARKER = `<!-- topoplan-review${safeFolder === "" ? "" : `:${safeFolder}`} -->`;
const parts = readdirSync(dir)
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((f) => readFileSync(join(dir, f), "utf8").trimEnd());
const head = `${MARKER}\n# topoplan review: ${VERDICT[status] ?? status}\n`;
const kept = [];
let length = head.length;
for (const [i, part] of parts.entries()) {
  const room = LIMIT - 300; // the note below
  if (length + part.length + 7 > room) {
    kept.push(
      `> **Cut to fit GitHub's 65,536-character comment limit:** ${parts.length - i} of ${parts.length} stack reviews left out; the job summary and the SARIF upload have every stack.`,
    );
    break;
  }
  kept.push(part);
  length += part.length + 7;
}
process.stdout.write(`${head}\n${kept.join("\n\n---\n\n")}\n`);
