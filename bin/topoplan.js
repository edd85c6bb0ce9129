#!/usr/bin/env node
// The published entry point: runs the bundled CLI (npm run build writes dist/cli/main.mjs).
import { main, processIo } from "../dist/cli/main.mjs";

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// Exit once the output is flushed: a timer left behind by a user's rules module must not keep
// topoplan running after its report.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
