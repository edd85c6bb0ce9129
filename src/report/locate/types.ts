/** A 1-based line and column in a spec file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}
