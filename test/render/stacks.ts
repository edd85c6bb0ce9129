import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const STACKS_DIR = fileURLToPath(new URL("../../stacks/", import.meta.url));

/**
 * Every example topology under stacks/: `*.ts`, `*.yaml`, `*.yml`, `*.json`, except the Pulumi
 * stack configs (`Pulumi.<stack>.yaml`). New stacks are picked up without touching the tests.
 */
export function stackFiles(): string[] {
  return readdirSync(STACKS_DIR)
    .filter(
      (file) => /\.(ts|ya?ml|json)$/.test(file) && !file.startsWith("Pulumi.") && !file.endsWith(".d.ts"),
    )
    .sort();
}
