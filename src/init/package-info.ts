import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What `init` copies from topoplan's own package.json: its version and dependency ranges. */
export interface PackageInfo {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The folder of topoplan's package.json: a checkout, or a folder under node_modules. */
  readonly dir: string;
}

/**
 * topoplan's package.json. The bundle (dist/cli/*.mjs) and the sources (src/…) sit two levels
 * below it, the library build (dist/src/…) three.
 */
export function ownPackage(): PackageInfo | undefined {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const url = new URL(up, import.meta.url);
      const pkg = JSON.parse(readFileSync(url, "utf8")) as Partial<PackageInfo> & {
        name?: string;
      };
      if (pkg.name === "topoplan" && typeof pkg.version === "string") {
        return {
          version: pkg.version,
          dependencies: pkg.dependencies ?? {},
          devDependencies: pkg.devDependencies ?? {},
          dir: fileURLToPath(new URL(".", url)).replace(/[\\/]$/, ""),
        };
      }
    } catch {
      // not at this level
    }
  }
  return undefined;
}
