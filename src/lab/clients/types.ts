/**
 * How the lab talks to a running engine: writes and reads for the workload, the leader for the
 * observer, every key for the data-loss check. One driver per engine, registered in ./index.ts.
 * Drivers use only what the engine ships (etcd's HTTP/JSON gateway, Debian's `psql`): no new
 * dependencies.
 */
export interface LabEndpoint {
  /** Member name. */
  readonly name: string;
  readonly region: string;
  readonly host: string;
  readonly port: number;
  /** The member's environment (e.g. PGUSER), for drivers that need a user name. */
  readonly env: Readonly<Record<string, string>>;
}

export interface LabClient {
  /** Name of the member that accepts writes now (asks every reachable endpoint), or undefined. */
  leader(timeoutMs: number): Promise<string | undefined>;
  /**
   * Writes `key`; resolves when the engine acknowledged it, with the request's own latency in ms
   * (leader discovery and session set-up excluded: the model assumes warm connections), rejects otherwise.
   */
  write(key: string, value: string, timeoutMs: number): Promise<number>;
  /** Reads `key` at the consistency the store declares (strong: through the leader); latency as for write. */
  read(key: string, timeoutMs: number): Promise<number>;
  /** Every key under `prefix` (for the data-loss check), from the leader. */
  keys(prefix: string, timeoutMs: number): Promise<string[]>;
  /** Replication lag per replica in ms, where the engine reports it. */
  lag?(timeoutMs: number): Promise<Record<string, number>>;
  /** Creates what the workload writes into (a table), once, before it starts. */
  prepare?(timeoutMs: number): Promise<void>;
  /** Hands leadership to `member` (engines without leader preferences elect anyone). */
  moveLeader?(member: string, timeoutMs: number): Promise<boolean>;
  close(): void;
}

export interface ClientOptions {
  /** Strong reads go to the leader; weaker ones to the nearest live member of `readOrder`. */
  readonly strongReads: boolean;
  /** Member names for non-strong reads, nearest to the client first (see ReadTargets). */
  readonly readOrder: readonly string[];
}

export interface ClientDriver {
  connect(endpoints: readonly LabEndpoint[], options: ClientOptions): LabClient;
}
