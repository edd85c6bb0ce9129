/** What one subject reports from inside its child process (the child adds memory figures). */
export interface Timed {
  /** Wall time of the measured work only (setup such as generating or reading input excluded). */
  readonly wallMs: number;
  /** CPU time (user + system, all threads) of the same work. */
  readonly cpuMs: number;
  /** Wall time of named stages inside `wallMs`. */
  readonly phases?: Readonly<Record<string, number>>;
  /** Facts about what was measured: object counts, which code path ran. */
  readonly info?: Readonly<Record<string, string | number | boolean>>;
}

export interface Skipped {
  readonly skipped: string;
}

export type Params = Readonly<Record<string, unknown>>;

/** A unit of measured work, run once per child process. */
export type Subject = (params: Params) => Promise<Timed | Skipped>;

export function num(params: Params, key: string, fallback?: number): number {
  const value = params[key] ?? fallback;
  if (typeof value !== "number") throw new Error(`parameter ${key} must be a number`);
  return value;
}

export function str(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== "string") throw new Error(`parameter ${key} must be a string`);
  return value;
}
