/**
 * One measured sample in a fresh process: `node dist/bench/child.js <subject> <params-json> <out-file>`.
 * Writes `{ wallMs, phases, info, maxRssMb, startRssMb }` (or `{ skipped }` / `{ error }`) to
 * out-file; stdout stays free for whatever the subject's libraries print.
 */
import { writeFileSync } from "node:fs";
import { check } from "./subjects/check.js";
import { command } from "./subjects/commands.js";
import { preparePlan } from "./subjects/prepare.js";
import { pulumiBare, pulumiTopoplan } from "./subjects/pulumi.js";
import { renderCdk8s, renderTopoplan } from "./subjects/render.js";
import { solveCheckPeer, solveSubject } from "./subjects/solve.js";
import type { Subject } from "./subjects/types.js";

export const SUBJECTS: Readonly<Record<string, Subject>> = {
  check,
  command,
  "prepare-plan": preparePlan,
  "render-topoplan": renderTopoplan,
  "render-cdk8s": renderCdk8s,
  "pulumi-topoplan": pulumiTopoplan,
  "pulumi-bare": pulumiBare,
  solve: solveSubject,
  "solve-check": solveCheckPeer,
};

const [name = "", paramsJson = "{}", outFile] = process.argv.slice(2);
const mb = (bytes: number) => bytes / (1024 * 1024);

async function main(): Promise<number> {
  if (outFile === undefined) throw new Error("usage: child.js <subject> <params-json> <out-file>");
  const subject = SUBJECTS[name];
  if (subject === undefined)
    throw new Error(`unknown subject "${name}" (known: ${Object.keys(SUBJECTS).join(", ")})`);
  const startRssMb = mb(process.memoryUsage().rss);
  const result = await subject(JSON.parse(paramsJson) as Record<string, unknown>);
  // maxRSS is the peak resident set of this whole process, in KiB: what the OS had to give it.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(outFile, JSON.stringify({ ...result, maxRssMb, startRssMb }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (outFile !== undefined) writeFileSync(outFile, JSON.stringify({ error: message }));
    else process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
