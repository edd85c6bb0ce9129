/**
 * A user origin's workload: an open-loop, rate-limited stream of writes and reads at the declared
 * mix, through the engine's lab driver, with a cap on requests in flight (when the cap is hit the
 * agent counts it: the load generator, not the system, would then be shaping latency). Every
 * operation is reported with its wall-clock start, latency and outcome; acknowledged writes carry
 * their key for the data-loss check.
 */
import { connect, type Socket } from "node:net";
import type { EngineId } from "../../engines/types.js";
import { CLIENT_DRIVERS } from "../clients/index.js";
import type { LabEndpoint } from "../clients/types.js";
import { median } from "../stats.js";

export interface WorkloadConfig {
  readonly engine: EngineId;
  readonly origin: string;
  readonly endpoints: readonly LabEndpoint[];
  readonly strongReads: boolean;
  /** Members for non-strong reads, nearest first. */
  readonly readOrder: readonly string[];
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
 * wall-clock ms from start to outcome (leader discovery and session set-up included), ms the send
 * came after its scheduled arrival (the generator's own lateness: a stalled generator sends late and
 * times from the late send, the coordinated omission an open loop is meant to avoid)]
 */
export type OpRecord = [number, "w" | "r", number, boolean, string, number, number?];

/** `samples` sequential echo round trips to host:port, ms; rejects when they take longer than `timeoutMs` in all. */
async function echoRtt(host: string, port: number, samples: number, timeoutMs: number): Promise<number[]> {
  const socket = connect({ host, port });
  // Never left open: a hung echo (a cut site) is destroyed after the timeout.
  const guard = setTimeout(() => socket.destroy(), timeoutMs);
  try {
    return await echoOn(socket, samples);
  } finally {
    clearTimeout(guard);
    socket.destroy();
  }
}

async function echoOn(socket: Socket, samples: number): Promise<number[]> {
  socket.setNoDelay(true);
  // Each wait also ends when the socket closes (an error, or the caller's timeout destroying it).
  const once = (event: "connect" | "data") =>
    new Promise<void>((resolve, reject) => {
      const closed = () => reject(new Error("echo connection closed"));
      socket.once("close", closed);
      socket.once("error", () => {});
      socket.once(event, () => {
        socket.off("close", closed);
        resolve();
      });
    });
  await once("connect");
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const answered = once("data");
    socket.write("x");
    await answered;
    out.push(performance.now() - start);
  }
  return out;
}

/** How often the echoes are re-timed during the workload, ms. */
const ECHO_PROBE_EVERY_MS = 1000;

export async function runWorkload(
  config: WorkloadConfig,
  emit: (message: object) => void,
  stopped: () => boolean,
) {
  const echo: Record<string, number> = {};
  await Promise.all(
    config.echo.map(async (target) => {
      try {
        echo[target.site] = median(await echoRtt(target.host, target.port, 21, 30_000))!;
      } catch {
        // an unreachable echo is reported as missing, not as zero
      }
    }),
  );
  emit({ echo });
  const driver = CLIENT_DRIVERS[config.engine]!;
  const client = driver.connect(config.endpoints, {
    strongReads: config.strongReads,
    readOrder: config.readOrder,
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
  // The relays' cost changes with the machine's load: re-time every echo once a second while the
  // workload runs, so each phase is corrected with what the relays did then (src/lab/compare.ts).
  let probing = true;
  const probes = (async () => {
    while (probing && !stopped()) {
      await new Promise((r) => setTimeout(r, ECHO_PROBE_EVERY_MS));
      const sample: Record<string, number> = {};
      await Promise.all(
        config.echo.map(async (target) => {
          try {
            // A cut site accepts (its relay listener is local) and never answers: give up after 1.5 s.
            sample[target.site] = median(await echoRtt(target.host, target.port, 3, 1500))!;
          } catch {
            // a cut or failed site: no sample
          }
        }),
      );
      if (probing) emit({ echoSample: { at: Date.now(), ms: sample } });
    }
  })();
  const next = performance.now();
  let due = next;
  while (!stopped()) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const scheduled = due;
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
    const late = Math.max(0, start - scheduled);
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
      (ms) => batch.push([startWall, isWrite ? "w" : "r", ms, true, key, performance.now() - start, late]),
      (error: Error) => {
        const wall = performance.now() - start;
        batch.push([startWall, isWrite ? "w" : "r", wall, false, key, wall, late]);
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
  probing = false;
  await Promise.race([probes, new Promise((r) => setTimeout(r, 100))]);
  emit({ ops: batch, saturated, errors });
  client.close();
}
