import { Agent, request } from "node:http";
import { READ_RETRY_AFTER_MS, ReadTargets } from "./read-targets.js";
import type { ClientDriver, ClientOptions, LabClient, LabEndpoint } from "./types.js";

/**
 * etcd through its v3 HTTP/JSON gateway (served on the client port; etcd 3.4 docs,
 * "gRPC gateway": /v3/kv/put, /v3/kv/range, /v3/maintenance/status). Keys and values are base64.
 * Writes and strong reads go to the leader, as a leader-aware client does (the model's assumption);
 * non-strong reads are serializable reads at the nearest live member.
 */
const b64 = (text: string) => Buffer.from(text).toString("base64");
const unb64 = (text: string) => Buffer.from(text, "base64").toString();

/** The key just after every key with `prefix` (etcd's range_end for a prefix scan). */
function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! + 1;
  return bytes.toString("base64");
}

function post(agent: Agent, endpoint: LabEndpoint, path: string, body: object, timeoutMs: number) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200)
            return reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text) as Record<string, unknown>);
          } catch {
            reject(new Error(`bad JSON from ${endpoint.name}`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

class EtcdClient implements LabClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private leaderName: string | undefined;
  private finding: Promise<string | undefined> | undefined;
  private readonly reads: ReadTargets;
  constructor(
    private readonly endpoints: readonly LabEndpoint[],
    private readonly options: ClientOptions,
  ) {
    this.reads = new ReadTargets(options.readOrder, READ_RETRY_AFTER_MS);
  }

  private endpoint(name: string | undefined): LabEndpoint {
    return this.endpoints.find((e) => e.name === name) ?? this.endpoints[0]!;
  }

  async leader(timeoutMs: number): Promise<string | undefined> {
    const statuses = await Promise.all(
      this.endpoints.map((e) =>
        post(this.agent, e, "/v3/maintenance/status", {}, timeoutMs).then(
          (s) => ({ name: e.name, s }),
          () => undefined,
        ),
      ),
    );
    const ids = new Map<string, string>();
    for (const status of statuses) {
      if (status === undefined) continue;
      const header = status.s.header as { member_id?: string } | undefined;
      if (header?.member_id !== undefined) ids.set(header.member_id, status.name);
    }
    // Only a leader that answers itself counts (a stale follower may still name a dead leader).
    for (const status of statuses) {
      const leader = status?.s.leader as string | undefined;
      if (leader !== undefined && ids.has(leader)) {
        const name = ids.get(leader)!;
        const own = statuses.find((x) => x?.name === name);
        if ((own?.s.leader as string | undefined) === leader) return name;
      }
    }
    return undefined;
  }

  private async writeTarget(timeoutMs: number): Promise<LabEndpoint> {
    if (this.leaderName === undefined) {
      // One discovery at a time: concurrent requests share it.
      this.finding ??= this.leader(Math.min(timeoutMs, 1000)).finally(() => {
        this.finding = undefined;
      });
      this.leaderName = await this.finding;
    }
    if (this.leaderName === undefined) throw new Error("no leader");
    return this.endpoint(this.leaderName);
  }

  async moveLeader(member: string, timeoutMs: number): Promise<boolean> {
    const current = await this.leader(timeoutMs);
    if (current === undefined) return false;
    if (current === member) return true;
    const status = await post(this.agent, this.endpoint(member), "/v3/maintenance/status", {}, timeoutMs);
    const targetID = (status.header as { member_id: string }).member_id;
    await post(
      this.agent,
      this.endpoint(current),
      "/v3/maintenance/transfer-leadership",
      { targetID },
      timeoutMs,
    );
    this.leaderName = undefined;
    return (await this.leader(timeoutMs)) === member;
  }

  async write(key: string, value: string, timeoutMs: number): Promise<number> {
    const target = await this.writeTarget(timeoutMs);
    const start = performance.now();
    try {
      await post(this.agent, target, "/v3/kv/put", { key: b64(key), value: b64(value) }, timeoutMs);
      return performance.now() - start;
    } catch (error) {
      this.leaderName = undefined;
      throw error;
    }
  }

  async read(key: string, timeoutMs: number): Promise<number> {
    const strong = this.options.strongReads;
    const target = strong ? await this.writeTarget(timeoutMs) : this.endpoint(this.reads.current());
    const start = performance.now();
    try {
      await post(this.agent, target, "/v3/kv/range", { key: b64(key), serializable: !strong }, timeoutMs);
      return performance.now() - start;
    } catch (error) {
      if (strong) this.leaderName = undefined;
      else this.reads.failed(target.name);
      throw error;
    }
  }

  async keys(prefix: string, timeoutMs: number): Promise<string[]> {
    const target = await this.writeTarget(timeoutMs);
    const body = { key: b64(prefix), range_end: prefixEnd(prefix), keys_only: true };
    const result = await post(this.agent, target, "/v3/kv/range", body, timeoutMs);
    return ((result.kvs as { key: string }[] | undefined) ?? []).map((kv) => unb64(kv.key));
  }

  close() {
    this.agent.destroy();
  }
}

export const etcdDriver: ClientDriver = {
  connect: (endpoints, options) => new EtcdClient(endpoints, options),
};
