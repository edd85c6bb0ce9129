/**
 * Entry point of the lab's helper processes, each started by the lab inside one of its network
 * namespaces (`ip netns exec <ns> node agent.js <mode> <config.json>`): `relay` (the site's WAN),
 * `workload` (a user origin's clients) or `observer` (leader, keys and lag on request). Talks JSON
 * lines: commands on stdin, reports on stdout. Exits when stdin closes, so it never outlives the lab.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import type { EngineId } from "../../engines/types.js";
import { CLIENT_DRIVERS } from "../clients/index.js";
import type { LabEndpoint } from "../clients/types.js";
import { type RelayConfig, startRelay } from "./relay.js";
import { runWorkload, type WorkloadConfig } from "./workload.js";

/** Resolves once host:port accepts a connection, retrying until the deadline. */
async function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${host}:${port} not accepting connections after ${timeoutMs} ms`);
}

/** `name:state` of the alerts pending or firing in the Prometheus on this namespace's loopback. */
async function firingAlerts(port: number, timeoutMs: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/alerts`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as {
    data?: { alerts?: { state: string; labels: { alertname: string } }[] };
  };
  return (body.data?.alerts ?? []).map((a) => `${a.labels.alertname}:${a.state}`);
}

const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const [mode, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath!, "utf8")) as unknown;
const commands = createInterface({ input: process.stdin });
const handlers: ((command: Record<string, unknown>) => void)[] = [];
commands.on("line", (line) => {
  const command = JSON.parse(line) as Record<string, unknown>;
  for (const handle of handlers) handle(command);
});
commands.on("close", () => process.exit(0));

if (mode === "relay") {
  const relay = startRelay(config as RelayConfig, emit);
  handlers.push((command) => {
    if (typeof command.tag === "string") {
      relay.set(command.tag, command.cut === true);
      emit({ id: command.id, result: true });
    } else if (typeof command.reroute === "string") {
      relay.reroute(command.reroute, typeof command.delayMs === "number" ? command.delayMs : undefined);
      emit({ id: command.id, result: true });
    } else if (command.op === "tcp") {
      // From the member's own site the address is the member itself, not a relay.
      waitForPort(String(command.host), Number(command.port), Number(command.timeoutMs ?? 2000)).then(
        (result) => emit({ id: command.id, result }),
        (error: Error) => emit({ id: command.id, error: error.message }),
      );
    }
  });
} else if (mode === "workload") {
  let stop = false;
  handlers.push((command) => {
    if (command.stop === true) stop = true;
  });
  runWorkload(config as WorkloadConfig, emit, () => stop).then(
    () => emit({ finished: true }),
    (error: Error) => emit({ error: error.message }),
  );
} else if (mode === "observer") {
  const { engine, endpoints } = config as { engine: EngineId; endpoints: LabEndpoint[] };
  const client = CLIENT_DRIVERS[engine]!.connect(endpoints, {
    strongReads: true,
    readOrder: endpoints.map((e) => e.name),
  });
  emit({ ready: true });
  handlers.push((command) => {
    const timeout = typeof command.timeoutMs === "number" ? command.timeoutMs : 2000;
    const answer = (promise: Promise<unknown>) =>
      promise.then(
        (result) => emit({ id: command.id, result }),
        (error: Error) => emit({ id: command.id, error: error.message }),
      );
    if (command.op === "leader") answer(client.leader(timeout));
    else if (command.op === "keys") answer(client.keys(String(command.prefix), timeout));
    else if (command.op === "lag") answer(client.lag?.(timeout) ?? Promise.resolve({}));
    else if (command.op === "prepare") answer(client.prepare?.(timeout) ?? Promise.resolve(true));
    else if (command.op === "alerts") answer(firingAlerts(Number(command.port), timeout));
    else if (command.op === "move-leader")
      answer(client.moveLeader?.(String(command.member), timeout) ?? Promise.resolve(false));
    else emit({ id: command.id, error: `unknown op ${String(command.op)}` });
  });
} else {
  emit({ error: `unknown agent mode ${mode}` });
  process.exit(2);
}
