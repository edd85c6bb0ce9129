import { Worker } from "node:worker_threads";
import { terminalSafe } from "../../report/escape.js";
import { compileModule } from "./compile.js";
import { MAX_SPEC_NESTING } from "./limits.js";

/**
 * TypeScript specs and `--rules` files are programs: compiled by esbuild (./compile.ts) in this thread
 * while a worker thread starts, they run in that worker, so that
 * - a spec that never settles (`while (true) {}`, a promise that never resolves) hits a time limit
 *   and the worker is terminated, synchronous loops included;
 * - `process.exit()` in a spec ends the worker, not topoplan, and is reported;
 * - what the spec prints goes to topoplan's stderr, never into a report on stdout;
 * - timers (`setInterval`) die with the worker instead of keeping topoplan alive.
 * The worker's code is a string (not a file) so it runs the same from source, from the bundle and
 * under a test runner. It waits for the compiled module's URL, then returns the module's default
 * export as data (structured clone), or for a rules module the ids of the rules it exports.
 */

/** Time limit for loading a spec or rules module. Override: TOPOPLAN_TIMEOUT_MS. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export function sandboxTimeoutMs(): number {
  const configured = Number(process.env.TOPOPLAN_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
}

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
// An exit the module asks for is marked, so that the parent can tell it from an event loop that
// emptied while the import was pending (a top-level await that never settles): both exit with 0.
const exitCalled = new Int32Array(workerData.exitCalled);
const exit = process.exit.bind(process);
process.exit = (code) => {
  Atomics.store(exitCalled, 0, 1);
  return exit(code);
};
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
parentPort.once("message", ({ url }) => (async () => {
  process.setSourceMapsEnabled(true);
  let module;
  try {
    module = await import(url);
  } catch (error) {
    parentPort.postMessage({ kind: "threw", error: describe(error) });
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
  if (workerData.purpose === "data") {
    const bad = value === undefined ? undefined : notData(value);
    parentPort.postMessage(bad ? { kind: "not-data", bad } : { kind: "data", value, names });
    return;
  }
  const exported = value !== undefined ? [value].flat() : names.map((name) => module[name]);
  const rules = exported.filter((r) => r !== null && typeof r === "object" && typeof r.id === "string" && typeof r.check === "function");
  parentPort.postMessage({ kind: "rules", rules: rules.map((r) => ({ id: r.id })) });
})().catch((error) => parentPort.postMessage({ kind: "threw", error: describe(error) })));
`;

export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

export type SandboxOutcome =
  | { readonly kind: "data"; readonly value: unknown; readonly names: readonly string[] }
  | { readonly kind: "not-data"; readonly bad: { at: (string | number)[]; why: string } }
  | {
      readonly kind: "rules";
      readonly rules: readonly { id: string }[];
      /** The module imported again in this thread (`importHere`), for its check functions. */
      readonly module: unknown;
    }
  | {
      readonly kind: "compile-error";
      readonly message: string;
      readonly location?: { readonly file: string; readonly line: number; readonly column: number };
    }
  | { readonly kind: "threw"; readonly error: ErrorInfo }
  /** The module called process.exit. */
  | { readonly kind: "exited"; readonly code: number }
  /** The worker ended with the import still pending: a top-level await nothing settles. */
  | { readonly kind: "unsettled" }
  | { readonly kind: "timeout"; readonly ms: number };

/**
 * Compiles `file` and imports it in a worker, then stops the worker. `data`: the default export as
 * data (specs); `rules`: the ids of the rules it exports, and then `importHere(url)` runs in this
 * thread on the same compiled module before its temporary folder goes. What the module prints is
 * passed to `print` (stderr).
 */
export async function importSandboxed(
  file: string,
  purpose: "data" | "rules",
  // As every user string on a terminal: control characters shown as \uXXXX (an ESC, OSC 8 link or
  // carriage return the module prints cannot steer the terminal).
  print: (text: string) => void = (text) => process.stderr.write(terminalSafe(text, false)),
  importHere: (url: string) => Promise<unknown> = (url) => import(url),
): Promise<SandboxOutcome> {
  const timeoutMs = sandboxTimeoutMs();
  const exitCalled = new Int32Array(new SharedArrayBuffer(4));
  // The worker starts (a fresh isolate, tens of ms) while esbuild compiles here.
  const worker = new Worker(WORKER, {
    eval: true,
    stdout: true,
    stderr: true,
    workerData: { purpose, exitCalled: exitCalled.buffer },
  });
  worker.stdout.setEncoding("utf8").on("data", print);
  worker.stderr.setEncoding("utf8").on("data", print);
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<SandboxOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: SandboxOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    timer = setTimeout(() => settle({ kind: "timeout", ms: timeoutMs }), timeoutMs);
    worker.once("message", settle);
    worker.once("error", (error) =>
      settle({
        kind: "threw",
        error: { name: error.name, message: error.message, stack: error.stack ?? "" },
      }),
    );
    worker.once("exit", (code) =>
      settle(Atomics.load(exitCalled, 0) === 1 ? { kind: "exited", code } : { kind: "unsettled" }),
    );
  });
  const compiled = await compileModule(file).catch(
    (error: unknown): Awaited<ReturnType<typeof compileModule>> => ({
      kind: "compile-error",
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  if (compiled.kind === "compile-error") {
    clearTimeout(timer);
    await worker.terminate();
    return compiled;
  }
  try {
    worker.postMessage({ url: compiled.url });
    const outcome = await finished;
    if (outcome.kind !== "rules") return outcome;
    return { ...outcome, module: await importHere(compiled.url) };
  } finally {
    await compiled.dispose();
  }
}
