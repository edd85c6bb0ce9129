/**
 * A user origin's workload: an open-loop, rate-limited stream of writes and reads at the declared
 * mix, through the engine's lab driver, with a cap on requests in flight (when the cap is hit the
 * agent counts it: the load generator, not the system, would then be shaping latency). Every
 * operation is reported with its wall-clock start, latency and outcome; acknowledged writes carry
 * their key for the data-loss check.
 */
import { connect } from "node:net";
import type { EngineId } from "../../engines/types.js";
import { CLIENT_DRIVERS } from "../clients/index.js";
import type { LabEndpoint } from "../clients/types.js";

export interface WorkloadConfig {
  readonly engine: EngineId;
  readonly origin: string;
  readonly endpoints: readonly LabEndpoint[];
  readonly strongReads: boolean;
  readonly nearest: string;
  readonly opsPerSec: number;
  /** Share of operations that are writes, 0..1. */
  readonly writeShare: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  /** Echo servers to time before the workload, to measure what the relays add. */
  readonly echo: readonly { readonly site: string; readonly host: string; readonly port: number }[];
}

/**
 * [wall-clock start ms, "w" | "r", latency ms (the request itself, as the driver times it), ok, key,
 * wall-clock ms from start to outcome (leader discovery and session set-up included)]
 */
export type OpRecord = [number, "w" | "r", number, boolean, string, number];

async function echoRtt(host: string, port: number, samples: number): Promise<number[]> {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      socket.once("data", () => resolve());
      socket.write("x");
    });
    out.push(performance.now() - start);
  }
  socket.destroy();
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function runWorkload(
  config: WorkloadConfig,
  emit: (message: object) => void,
  stopped: () => boolean,
) {
  const echo: Record<string, number> = {};
  await Promise.all(
    config.echo.map(async (target) => {
      try {
        echo[target.site] = median(await echoRtt(target.host, target.port, 21));
      } catch {
        // an unreachable echo is reported as missing, not as zero
      }
    }),
  );
  emit({ echo });
  const driver = CLIENT_DRIVERS[config.engine]!;
  const client = driver.connect(config.endpoints, {
    strongReads: config.strongReads,
    nearest: config.nearest,
  });
  const interval = 1000 / config.opsPerSec;
  let inFlight = 0;
  let saturated = 0;
  let seq = 0;
  const written: string[] = [];
  let batch: OpRecord[] = [];
  const errors: Record<string, number> = {};
  const flush = setInterval(() => {
    if (batch.length > 0) emit({ ops: batch, saturated, errors });
    batch = [];
  }, 250);
  const next = performance.now();
  let due = next;
  while (!stopped()) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Poisson arrivals (exponential gaps, mean 1/rate), as independent users make: fixed gaps
    // lock the origins' requests into phase, and a leader that batches reads (etcd's ReadIndex
    // rounds) then answers each origin after a different, arbitrary wait.
    due += -Math.log(1 - Math.random()) * interval;
    if (stopped()) break;
    if (inFlight >= config.maxInFlight) {
      saturated += 1;
      continue;
    }
    seq += 1;
    // Random mix at the declared write share (the first operation writes a key to read).
    const isWrite = written.length === 0 || Math.random() < config.writeShare;
    const key = isWrite ? `lab/${config.origin}/${seq}` : written[written.length - 1]!;
    if (isWrite) written.push(key);
    const startWall = Date.now();
    const start = performance.now();
    inFlight += 1;
    const request = isWrite
      ? client.write(key, String(startWall), config.timeoutMs)
      : client.read(key, config.timeoutMs);
    // The whole operation, discovery included, gets the timeout: a late success counts as a failure.
    let timer: NodeJS.Timeout | undefined;
    const op = Promise.race([
      request,
      new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${config.timeoutMs} ms`)), config.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    request.catch(() => {});
    op.then(
      (ms) => batch.push([startWall, isWrite ? "w" : "r", ms, true, key, performance.now() - start]),
      (error: Error) => {
        const wall = performance.now() - start;
        batch.push([startWall, isWrite ? "w" : "r", wall, false, key, wall]);
        const text = error.message.slice(0, 80);
        errors[text] = (errors[text] ?? 0) + 1;
      },
    ).finally(() => {
      inFlight -= 1;
    });
  }
  const deadline = performance.now() + config.timeoutMs + 200;
  while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  clearInterval(flush);
  emit({ ops: batch, saturated, errors });
  client.close();
}
