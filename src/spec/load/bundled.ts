/**
 * Every local file bundled in this process (absolute path → the spec or rules module that imported
 * it): inputs, which `--output` and `--out` must not replace (src/cli/environment.ts). Recorded by
 * ./compile.ts as esbuild loads them, so a file whose syntax error stops the bundle is one too.
 * Its own module, so that the CLI's check does not load the compiler.
 */
const bundled = new Map<string, string>();

export function recordBundled(file: string, entry: string): void {
  if (!bundled.has(file)) bundled.set(file, entry);
}

/** The local files bundled so far, each with the module (spec or --rules) that was being compiled. */
export function bundledFiles(): ReadonlyMap<string, string> {
  return bundled;
}
