import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { InputError } from "../../diagnostics/diagnostic.js";
import { terminalSafe } from "../../report/escape.js";
import { compileModule } from "./compile.js";
import { MAX_SPEC_NESTING } from "./limits.js";

/**
 * TypeScript specs and `--rules` files are programs: compiled by esbuild (./compile.ts) in this
 * process while a child Node process starts, they run in that child, so that
 * - a spec that never settles (`while (true) {}`, a promise that never resolves) hits a time limit
 *   and the child is killed, synchronous loops included;
 * - `process.exit()` in a spec ends the child, not topoplan, and is reported;
 * - whatever the spec prints goes to topoplan's stderr, never into a report on stdout: the child's
 *   file descriptors 1 and 2 are pipes to this process, so a write to fd 1 (`fs.writeSync(1, …)`,
 *   a logger's sync destination) lands there too, not only `console.log` (a worker thread shares
 *   the process's fd 1);
 * - timers (`setInterval`) die with the child instead of keeping topoplan alive.
 * The child's code is a string (not a file) so it runs the same from source, from the bundle and
 * under a test runner. It waits for the compiled module's URL, then returns the module's default
 * export as data (structured clone over the IPC channel); for a rules module, the declarations of
 * the rules it exports, and then, in the same child and under a time limit of its own, what their
 * checks return on the model and analysis it is sent: a check is a program too.
 */

/** Time limit for loading a spec or rules module. Override: TOPOPLAN_TIMEOUT_MS. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The longest delay a Node timer takes (2³¹ − 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function sandboxTimeoutMs(): number {
  const text = process.env.TOPOPLAN_TIMEOUT_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_TIMEOUT_MS;
  const configured = Number(text);
  if (Number.isInteger(configured) && configured > 0 && configured <= MAX_TIMER_MS) return configured;
  throw new InputError([
    {
      code: "cli/environment",
      severity: "error",
      path: "TOPOPLAN_TIMEOUT_MS",
      message: `TOPOPLAN_TIMEOUT_MS is ${JSON.stringify(terminalSafe(text.slice(0, 40), false))}: not a time limit in whole milliseconds from 1 to ${MAX_TIMER_MS}`,
      fix: `set it to milliseconds (e.g. TOPOPLAN_TIMEOUT_MS=120000 for 2 minutes), or unset it for the default ${DEFAULT_TIMEOUT_MS}`,
    },
  ]);
}

/** What V8 prints before it aborts a process out of heap; from there on, stderr is its dump, not the module's. */
const OUT_OF_MEMORY = /<--- Last few GCs --->|FATAL ERROR: .*heap out of memory/;

const CHILD = `
const { writeSync } = require("node:fs");
const purpose = process.argv[1];
// An exit the module asks for is marked on fd 4 (a pipe the parent reads) before it happens, so
// that the parent can tell it from an event loop that emptied while the import was pending (a
// top-level await that never settles): both end the child without a result.
const exit = process.exit.bind(process);
process.exit = (code) => {
  try {
    writeSync(4, "exit");
  } catch {}
  return exit(code);
};
const send = (message) => process.send(message);
const describe = (error) => error instanceof Error
  ? { name: error.name, message: error.message, stack: error.stack ?? "" }
  : { name: "Error", message: String(error), stack: "" };
/**
 * The first thing in value that structured clone would drop or change, as a path and a reason.
 * One object under two keys (a shared regions array, a defaults object spread or reused) is data:
 * it is checked once. Only an object met again inside itself is a cycle.
 */
function notData(value) {
  const checked = new Set();
  const enclosing = new Set();
  // Each entry points at its parent's: the path is built only for the value that is refused
  // (copying it per level made a deep value quadratic).
  const pathOf = (entry) => {
    const at = [];
    for (let e = entry; e.parent !== undefined; e = e.parent) at.push(e.key);
    return at.reverse();
  };
  // Depth first; a leaving entry removes v from the enclosing set after everything under it.
  const pending = [{ v: value, parent: undefined, key: undefined, depth: 0, leaving: false }];
  while (pending.length > 0) {
    const entry = pending.pop();
    const { v } = entry;
    if (entry.leaving) {
      enclosing.delete(v);
      checked.add(v);
      continue;
    }
    if (typeof v === "function") return { at: pathOf(entry), why: "is a function" };
    if (typeof v === "symbol" || typeof v === "bigint") return { at: pathOf(entry), why: "is a " + typeof v };
    if (v === null || typeof v !== "object") continue;
    if (entry.depth >= ${MAX_SPEC_NESTING})
      return { at: pathOf(entry), why: "nests more than ${MAX_SPEC_NESTING} levels deep (a topology has fewer than ten)" };
    if (enclosing.has(v)) return { at: pathOf(entry), why: "refers back to an enclosing object (a cycle)" };
    if (checked.has(v)) continue;
    if (typeof v.then === "function")
      return { at: pathOf(entry), why: "is a promise (await it: \`export default await …\`)" };
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null)
      return { at: pathOf(entry), why: "is not a plain object (a class instance, or a __proto__ key in an object literal, which sets the prototype instead of adding a key)" };
    enclosing.add(v);
    pending.push({ ...entry, leaving: true });
    const array = Array.isArray(v);
    for (const key of Object.keys(v))
      pending.push({ v: v[key], parent: entry, key: array ? Number(key) : key, depth: entry.depth + 1, leaving: false });
  }
  return undefined;
}
// A throw the import does not see (a timer's, a rejected promise nobody awaits) fails the load.
const threw = (error) => process.send({ kind: "threw", error: describe(error) }, () => exit(1));
process.on("uncaughtException", threw);
process.on("unhandledRejection", threw);
process.once("message", ({ url }) => (async () => {
  process.setSourceMapsEnabled(true);
  let module;
  try {
    module = await import(url);
  } catch (error) {
    send({ kind: "threw", error: describe(error) });
    return;
  }
  const names = Object.keys(module).filter((key) => key !== "default" && key !== "module.exports");
  let value = module.default;
  // A CommonJS module (no "type": "module"): default is module.exports, which holds the real
  // default export under "default", or only the named exports.
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    if ("default" in value && !("name" in value)) value = value.default;
    else if (names.length > 0 && Object.keys(value).every((key) => names.includes(key))) value = undefined;
  }
  if (purpose === "data") {
    const bad = value === undefined ? undefined : notData(value);
    send(bad ? { kind: "not-data", bad } : { kind: "data", value, names });
    return;
  }
  const rules = exportedRules(module);
  // What the parent needs to configure and report them; their checks stay here, and run when the
  // parent sends the model and analysis (the open channel keeps this process waiting for them).
  const declared = rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docs: r.docs, settings: r.settings, usesAnalysis: r.usesAnalysis }));
  const bad = notData(declared);
  if (!bad) process.once("message", ({ payload }) => send({ kind: "ran", results: runChecks(rules, payload) }));
  send(bad ? { kind: "not-data", bad } : { kind: "rules", rules: declared });
})().catch((error) => send({ kind: "threw", error: describe(error) })));

const isRule = (r) => r !== null && typeof r === "object" && typeof r.id === "string" && typeof r.check === "function";
/** The default export (a rule or an array; under CommonJS, module.exports.default) or every named rule. */
function exportedRules(module) {
  let value = module.default;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !isRule(value) && "default" in value)
    value = value.default;
  const named = Object.keys(module).filter((key) => key !== "default" && key !== "module.exports").map((key) => module[key]);
  return (isRule(value) || Array.isArray(value) ? [value].flat() : named).filter(isRule);
}
/** As the model is frozen when resolved (src/model/resolve.ts): arrays and plain objects, not Maps. */
function deepFreeze(value) {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return value;
  for (const key of Object.keys(value)) deepFreeze(value[key]);
  return Object.freeze(value);
}
/**
 * Each requested rule's check on the model and analysis sent (their catalog's round-trip functions
 * rebuilt from the table sent with them): what it returns when that is data, else the path of
 * what is not, or what it threw. The model is frozen, as the parent's is.
 */
function runChecks(rules, { model, analysis, rtt, runs }) {
  const table = new Map();
  for (const [a, b, ms, jitter] of rtt.pairs) {
    if (!table.has(a)) table.set(a, new Map());
    table.get(a).set(b, [ms, jitter]);
  }
  const pair = (a, b) => table.get(a)?.get(b) ?? (a === b ? rtt.unknown.same : rtt.unknown.different);
  model.catalog = { ...model.catalog, rttMs: (a, b) => pair(a, b)[0], rttJitterMs: (a, b) => pair(a, b)[1] };
  deepFreeze(model);
  const byId = new Map(rules.map((r) => [r.id, r]));
  return runs.map(({ id, settings }) => {
    const rule = byId.get(id);
    if (rule === undefined)
      return { id, error: { name: "Error", message: "the module declared no rule with this id", stack: "" } };
    let value;
    try {
      value = rule.check(model, analysis, settings);
    } catch (error) {
      return { id, error: describe(error) };
    }
    // A getter or Proxy trap in the result may throw while it is read: this rule's failure alone.
    let bad;
    try {
      bad = notData(value);
    } catch (error) {
      return { id, error: describe(error) };
    }
    if (bad) return { id, bad };
    try {
      // What passes for data but cannot be copied to topoplan (a Proxy) is this rule's failure alone.
      require("node:v8").serialize(value);
    } catch (error) {
      return { id, bad: { at: [], why: "cannot be copied out of the process that ran it (" + describe(error).message + ")" } };
    }
    return { id, value };
  });
}
`;

export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** What one rule's check did in the child: returned data, returned something else, or threw. */
export type CheckRun =
  | { readonly id: string; readonly value: unknown }
  | { readonly id: string; readonly bad: { at: (string | number)[]; why: string } }
  | { readonly id: string; readonly error: ErrorInfo };

/** What a rules module's child is sent to run checks: the model as data (its catalog's round trips as a table) and the checks to run. */
export interface RunPayload {
  readonly model: unknown;
  readonly analysis: unknown;
  /**
   * [a, b, rttMs(a, b), rttJitterMs(a, b)] for every pair of catalog regions; `unknown` for a pair
   * with a region it lacks: one name twice, or two names.
   */
  readonly rtt: {
    readonly pairs: readonly (readonly [string, string, number | undefined, number])[];
    readonly unknown: {
      readonly same: readonly [number | undefined, number];
      readonly different: readonly [number | undefined, number];
    };
  };
  readonly runs: readonly { readonly id: string; readonly settings: unknown }[];
}

export type SandboxOutcome =
  | { readonly kind: "data"; readonly value: unknown; readonly names: readonly string[] }
  | { readonly kind: "not-data"; readonly bad: { at: (string | number)[]; why: string } }
  /** The rules a module exports, as declared (their checks stay in the child). */
  | { readonly kind: "rules"; readonly rules: readonly unknown[] }
  /** Each check run, in the order asked. */
  | { readonly kind: "ran"; readonly results: readonly CheckRun[] }
  | {
      readonly kind: "compile-error";
      readonly message: string;
      readonly location?: { readonly file: string; readonly line: number; readonly column: number };
    }
  | { readonly kind: "threw"; readonly error: ErrorInfo }
  /** The module called process.exit. */
  | { readonly kind: "exited"; readonly code: number }
  /** The child ended with the import still pending: a top-level await nothing settles. */
  | { readonly kind: "unsettled" }
  | { readonly kind: "timeout"; readonly ms: number };

/** How long the output of a stopped child is waited for once it has exited. */
const PIPE_GRACE_MS = 1000;

/**
 * topoplan's own Node flags (a heap limit, `--enable-source-maps`), as a worker thread would have
 * inherited them; not the inspector's, whose port topoplan holds.
 */
const childFlags = () => process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));

/**
 * What a rules module's child is sent once its declarations are in: the checks to run, or
 * undefined when none is wanted. Thrown errors end the child and reach the caller.
 */
export type ThenRun = (declared: SandboxOutcome) => RunPayload | undefined | Promise<RunPayload | undefined>;

/**
 * Compiles `file` and imports it in a child process, then stops the child. `data`: the default
 * export as data (specs); `rules`: the declarations of the rules it exports, handed to `thenRun`,
 * whose payload's checks the same child then runs on its model and analysis (the outcome returned
 * is theirs). Each step has the time limit. What the module prints is passed to `print` (stderr).
 */
export async function importSandboxed(
  file: string,
  purpose: "data" | "rules",
  // As every user string on a terminal: control characters shown as \uXXXX (an ESC, OSC 8 link or
  // carriage return the module prints cannot steer the terminal).
  print: (text: string) => void = (text) => process.stderr.write(terminalSafe(text, false)),
  thenRun?: ThenRun,
): Promise<SandboxOutcome> {
  const timeoutMs = sandboxTimeoutMs();
  // The child starts (a fresh Node, tens of ms) while esbuild compiles here.
  const child = spawn(process.execPath, [...childFlags(), "--input-type=commonjs", "-e", CHILD, purpose], {
    stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
    serialization: "advanced",
  });
  const [, stdout, stderr, , exits] = child.stdio as unknown as [null, Readable, Readable, null, Readable];
  stdout.setEncoding("utf8").on("data", print);
  // V8's out-of-memory report (its heap statistics and native stack) is not the module's output:
  // it is left out, and the outcome says what happened. The tail of the last chunk is kept so a
  // marker split across two chunks is still seen.
  let outOfMemory = false;
  let tail = "";
  stderr.setEncoding("utf8").on("data", (chunk: string) => {
    if (outOfMemory) return;
    const text = tail + chunk;
    const at = text.search(OUT_OF_MEMORY);
    if (at < 0) {
      print(chunk);
      tail = chunk.slice(-80);
      return;
    }
    outOfMemory = true;
    if (at > tail.length) print(text.slice(tail.length, at));
  });
  let exitCalled = false;
  exits.on("data", () => {
    exitCalled = true;
  });
  // Exited and every pipe at its end (a process it started may hold one open: see finish).
  const drained = new Promise((done) => child.once("close", done));
  // Its exit, once its exit mark (fd 4: no process it starts inherits that) has been read.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const exit = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.once("exit", (code, signal) => done([code, signal])),
    );
    const marked = new Promise((done) => exits.once("close", done));
    void Promise.all([exit, marked]).then(([[code, signal]]) => resolve({ code, signal }));
    // It never started: no exit is coming.
    child.once("error", () => {
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
  let timer: NodeJS.Timeout | undefined;
  /**
   * The child's next message, or how it ended (or the time limit, counted from now) before one
   * came. Once the rules are declared the child waits for its checks (the channel keeps it alive),
   * so an end without a message then is no top-level await left unsettled.
   */
  const nextOutcome = (step: "loading it" | "running its checks") =>
    new Promise<SandboxOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "timeout", ms: timeoutMs }), timeoutMs);
      child.once("message", (message) => resolve(message as SandboxOutcome));
      child.once("error", (error) =>
        resolve({
          kind: "threw",
          error: { name: error.name, message: error.message, stack: error.stack ?? "" },
        }),
      );
      void ended.then(({ code, signal }) => {
        if (exitCalled) resolve({ kind: "exited", code: code ?? 1 });
        else if (signal !== null)
          resolve({
            kind: "threw",
            error: {
              name: "Error",
              message: outOfMemory
                ? `the process ${step} ran out of memory (Node's heap limit) and was stopped`
                : `the process ${step} was killed (${signal})`,
              stack: "",
            },
          });
        else if (step === "loading it") resolve({ kind: "unsettled" });
        else
          resolve({
            kind: "threw",
            error: {
              name: "Error",
              message: `the process ${step} ended without a result (exit code ${code})`,
              stack: "",
            },
          });
      });
    }).finally(() => clearTimeout(timer));
  /**
   * The last outcome; then the child is stopped and its output read to the end, waiting only a
   * moment for pipes a process it started (and left running) may hold open.
   */
  const finish = async (last: Promise<SandboxOutcome>): Promise<SandboxOutcome> => {
    // A throw from thenRun (the caller's refusal of the declarations) too stops the child first.
    let thrown: { error: unknown } | undefined;
    const settled = await last.catch((error: unknown) => {
      thrown = { error };
    });
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    // Unref'd: the grace must not keep topoplan running once everything else is done.
    const grace = () => new Promise((done) => setTimeout(done, PIPE_GRACE_MS).unref());
    await Promise.race([drained, ended.then(grace)]);
    for (const stream of [stdout, stderr, exits]) stream.destroy();
    if (thrown !== undefined || settled === undefined) throw thrown?.error;
    return settled;
  };
  // Listening from the start: a child that cannot start says so now.
  const firstOutcome = nextOutcome("loading it");
  // The declarations, then (when thenRun asks for some) what the checks returned.
  const outcomes = async (): Promise<SandboxOutcome> => {
    const first = await firstOutcome;
    if (thenRun === undefined || first.kind !== "rules") return first;
    const payload = await thenRun(first);
    if (payload === undefined) return first;
    const ran = nextOutcome("running its checks");
    child.send({ payload }, () => {});
    return ran;
  };
  const compiled = await compileModule(file).catch(
    (error: unknown): Awaited<ReturnType<typeof compileModule>> => ({
      kind: "compile-error",
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  if (compiled.kind === "compile-error") return finish(Promise.resolve(compiled));
  try {
    // A child already gone (killed, or it could not start) says so through `ended` or `error`.
    child.send({ url: compiled.url }, () => {});
    return await finish(outcomes());
  } finally {
    await compiled.dispose();
  }
}
