/**
 * Node's default heap limit is about 4 GB on a 64-bit machine, however much memory it has. The
 * heaviest commands need more on the largest topologies: `diff` of 20,000 services holds two plans
 * of 811,501 objects and died at that limit with V8's fatal error after almost three minutes
 * (issue #15); `plan` of the same spec peaks at 3.4 GiB. bin/topoplan.js runs these commands in a
 * second Node process with a heap limit sized to the machine, unless the user chose a limit.
 * Kept apart from the CLI bundle: the launcher decides before it loads anything else.
 */

/** The commands whose memory grows with the compiled plan. */
export const HEAVY_COMMANDS: ReadonlySet<string> = new Set(["plan", "render", "diff"]);

/** The share of the machine's memory the relaunched process's heap may grow to. */
export const HEAP_SHARE = 0.75;

/** Set in the relaunched process's environment, so it never relaunches again. */
export const RELAUNCHED = "TOPOPLAN_HEAP_RELAUNCHED";

const HEAP_FLAG = /--max[-_]old[-_]space[-_]size/;

export interface HeapFacts {
  /** The CLI's arguments: `process.argv.slice(2)`. */
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This process's heap limit (`v8.getHeapStatistics().heap_size_limit`), in MiB. */
  readonly heapLimitMb: number;
  /** `os.totalmem()`, in MiB. */
  readonly totalMemoryMb: number;
}

/**
 * The Node options to relaunch with (this process's own, plus the heap limit), or undefined to run
 * here: not a heavy command, a limit the user set (NODE_OPTIONS or a node flag), already
 * relaunched, or a machine where the sized limit would not be much above the current one.
 */
export function relaunchOptions(facts: HeapFacts): string[] | undefined {
  const command = facts.args[0];
  if (command === undefined || !HEAVY_COMMANDS.has(command)) return undefined;
  if (facts.env[RELAUNCHED]) return undefined;
  if (facts.execArgv.some((flag) => HEAP_FLAG.test(flag)) || HEAP_FLAG.test(facts.env.NODE_OPTIONS ?? ""))
    return undefined;
  const sizedMb = Math.floor(facts.totalMemoryMb * HEAP_SHARE);
  // A second process costs a Node start (~50 ms): worth it only for a clearly larger heap.
  if (sizedMb < facts.heapLimitMb * 1.25) return undefined;
  return [...facts.execArgv, `--max-old-space-size=${sizedMb}`];
}
