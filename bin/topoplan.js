#!/usr/bin/env node
// The published entry point: runs the bundled CLI (npm run build writes dist/cli/main.mjs).
import { main, processIo } from "../dist/cli/main.mjs";

process.exitCode = await main(process.argv.slice(2), processIo());
