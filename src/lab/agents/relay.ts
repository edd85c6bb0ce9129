/**
 * The WAN of one emulated site: a TCP relay per remote member port, listening on the remote
 * member's own address (local in this namespace) and forwarding to it over the lab's bridge after
 * a one-way delay in each direction. The kernel here has no netem, so the delay is applied in
 * user space: each chunk is held until `arrival + delayMs`, in order. Also serves a TCP echo on the
 * site's transport address so others can measure what the relays add on top of the delays.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface RelayListener {
  /** Address and port the local processes dial (the remote member's address). */
  readonly host: string;
  readonly port: number;
  /** Where the bytes go (the same address, reached over the bridge from `via`). */
  readonly target: { readonly host: string; readonly port: number };
  /** One-way delay applied in each direction, ms. */
  readonly delayMs: number;
  /**
   * What a cut can name to silence this listener: `link:<a>/<b>` (its regions, sorted) and
   * `site:<n>` for both sites it joins (a failed zone or region is unreachable from everywhere).
   */
  readonly tags: readonly string[];
}

export interface RelayConfig {
  /** This site's transport address: outgoing connections leave from it (policy routing sends them over the bridge). */
  readonly via: string;
  readonly echoPort: number;
  readonly listeners: readonly RelayListener[];
}

/**
 * A one-direction pipe that holds every chunk for the delay at its arrival (`delayMs()`: a
 * rerouted link changes it mid-connection), preserving order.
 */
function delayedPipe(from: Socket, to: Socket, delayMs: () => number, open: () => boolean) {
  const queue: { due: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now + 0.25) {
      const { chunk } = queue.shift()!;
      if (open() && !to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()));
  };
  from.on("data", (chunk: Buffer) => {
    if (!open()) return; // a cut link drops what is sent over it
    const due = performance.now() + delayMs();
    queue.push({ due, chunk });
    if (timer === undefined) timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()));
  });
  from.on("end", () => {
    // Over a cut path the other end hears nothing, not even the close.
    if (!open()) return;
    const wait = queue.length === 0 ? 0 : Math.max(0, queue[queue.length - 1]!.due - performance.now()) + 1;
    setTimeout(() => {
      if (open()) to.end();
    }, wait);
  });
}

export function startRelay(config: RelayConfig, emit: (message: object) => void) {
  const cut = new Set<string>();
  const live = new Map<string, Set<Socket>>();
  const servers: Server[] = [];
  const track = (tags: readonly string[], socket: Socket) => {
    for (const tag of tags) {
      const set = live.get(tag) ?? new Set<Socket>();
      live.set(tag, set);
      set.add(socket);
      socket.on("close", () => set.delete(socket));
    }
  };
  const isCut = (tags: readonly string[]) => tags.some((tag) => cut.has(tag));
  // A cut link that a backbone routes around: its one-way delay over the remaining links.
  const rerouted = new Map<string, number>();
  const delayOf = (listener: RelayListener) => {
    for (const tag of listener.tags) {
      const ms = rerouted.get(tag);
      if (ms !== undefined) return ms;
    }
    return listener.delayMs;
  };
  for (const listener of config.listeners) {
    const server = createServer((inbound) => {
      inbound.setNoDelay(true);
      track(listener.tags, inbound);
      // A cut link behaves like a partition: connections open but nothing gets through. (A reset
      // from the local side must not crash the relay: an unhandled 'error' would take the site's WAN.)
      if (isCut(listener.tags)) {
        inbound.on("error", () => inbound.destroy());
        return;
      }
      const outbound = connect({
        host: listener.target.host,
        port: listener.target.port,
        localAddress: config.via,
      });
      outbound.setNoDelay(true);
      track(listener.tags, outbound);
      const open = () => !isCut(listener.tags);
      const delay = () => delayOf(listener);
      delayedPipe(inbound, outbound, delay, open);
      delayedPipe(outbound, inbound, delay, open);
      // A close or reset on one side reaches the other only over a live path: over a cut one the
      // peer's kernel would never see the FIN or RST (a lost region is silent, not refused).
      const close = () => {
        if (!open()) return;
        inbound.destroy();
        outbound.destroy();
      };
      inbound.on("error", close);
      outbound.on("error", close);
      inbound.on("close", close);
      outbound.on("close", close);
    });
    server.listen(listener.port, listener.host);
    servers.push(server);
  }
  const echo = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  echo.listen(config.echoPort, config.via);
  servers.push(echo);
  let pending = servers.length;
  for (const server of servers) {
    server.on("error", (error) => emit({ error: `relay listen: ${error.message}` }));
    server.on("listening", () => {
      pending -= 1;
      if (pending === 0) emit({ ready: true });
    });
  }
  return {
    /**
     * Cuts (or heals) everything tagged `tag`. A cut is a partition: open connections stay open and
     * silent (nothing passes, not even a close), as when a region is lost, so peers and clients
     * find out by their own timeouts. Healing drops the connections that were open across the cut:
     * the relay has swallowed bytes their senders believe delivered, so their streams cannot go on
     * (the endpoints would long since have timed out a real partition of that length too).
     */
    set(tag: string, cutNow: boolean) {
      if (cutNow) {
        cut.add(tag);
        return;
      }
      cut.delete(tag);
      for (const socket of live.get(tag) ?? []) socket.destroy();
    },
    /**
     * Reroutes everything tagged `tag` (a `link:` tag) with a new one-way delay, or restores the
     * configured one (undefined). Open connections stay open, as TCP does when a backbone reroutes.
     */
    reroute(tag: string, delayMs: number | undefined) {
      if (delayMs === undefined) rerouted.delete(tag);
      else rerouted.set(tag, delayMs);
    },
  };
}
