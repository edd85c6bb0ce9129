#!/usr/bin/env node
// The published entry point: runs the bundled CLI (npm run build writes dist/cli/main.mjs).
import { spawnSync } from "node:child_process";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { RELAUNCHED, relaunchOptions } from "../dist/cli/heap.mjs";

// plan, render and diff of the largest topologies outgrow Node's default heap: run them in a Node
// with a heap sized to the machine (src/cli/heap.ts), output and exit status passed through.
const options = relaunchOptions({
  args: process.argv.slice(2),
  execArgv: process.execArgv,
  env: process.env,
  heapLimitMb: getHeapStatistics().heap_size_limit / 1048576,
  totalMemoryMb: totalmem() / 1048576,
});
if (options !== undefined) {
  const run = spawnSync(process.execPath, [...options, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, [RELAUNCHED]: "1" },
  });
  // Could not start a second Node: run here, with the default heap.
  if (run.error === undefined) {
    if (run.signal !== null) process.kill(process.pid, run.signal);
    process.exit(run.status ?? 1);
  }
}

const { main, processIo, dropOutputForClosedReaders } = await import("../dist/cli/main.mjs");
dropOutputForClosedReaders();
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// Exit once the output is flushed: a timer left behind by a user's rules module must not keep
// topoplan running after its report.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
