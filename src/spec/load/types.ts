export type SpecFormat = "typescript" | "yaml" | "json";

/** A spec file read from disk, before validation. */
export interface LoadedSpec {
  readonly file: string;
  readonly format: SpecFormat;
  /** File contents (for locations in reports). */
  readonly text: string;
  /** The parsed document (YAML/JSON) or the module's default export (TypeScript). */
  readonly data: unknown;
}
