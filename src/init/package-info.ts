import { readFileSync } from "node:fs";

/** What `init` copies from topoplan's own package.json: its version and dependency ranges. */
export interface PackageInfo {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * topoplan's package.json. The bundle (dist/cli/*.mjs) and the sources (src/…) sit two levels
 * below it, the library build (dist/src/…) three.
 */
export function ownPackage(): PackageInfo | undefined {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as Partial<PackageInfo> & {
        name?: string;
      };
      if (pkg.name === "topoplan" && typeof pkg.version === "string") {
        return {
          version: pkg.version,
          dependencies: pkg.dependencies ?? {},
          devDependencies: pkg.devDependencies ?? {},
        };
      }
    } catch {
      // not at this level
    }
  }
  return undefined;
}
