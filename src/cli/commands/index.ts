import type { Command } from "../command.js";

/**
 * Every command, loaded on demand so `topoplan check` does not pay for `render`'s imports.
 * A new command registers one line here.
 */
export const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  check: {
    summary: "validate, analyse and check policies",
    load: async () => (await import("./check.js")).checkCommand,
  },
  diff: {
    summary: "compare two versions: destructive changes first",
    load: async () => (await import("./diff.js")).diffCommand,
  },
  init: {
    summary: "create a project that deploys a topology from your repository",
    load: async () => (await import("./init.js")).initCommand,
  },
  lab: {
    summary: "run a datastore for real across an emulated WAN",
    load: async () => (await import("./lab.js")).labCommand,
  },
  plan: {
    summary: "print the analysis as tables",
    load: async () => (await import("./plan.js")).planCommand,
  },
  render: {
    summary: "write the compiled plan as files for review",
    load: async () => (await import("./render.js")).renderCommand,
  },
  schema: {
    summary: "print the topology JSON Schema",
    load: async () => (await import("./schema.js")).schemaCommand,
  },
  solve: {
    summary: "find the cheapest placement that meets every SLO, and explain it",
    load: async () => (await import("./solve.js")).solveCommand,
  },
  whatif: {
    summary: "fail regions, zones or links",
    load: async () => (await import("./whatif.js")).whatifCommand,
  },
};
