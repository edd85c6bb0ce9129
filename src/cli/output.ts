import { randomBytes } from "node:crypto";
import { rename, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import type { Io } from "./command.js";

/**
 * Writes a report to --output atomically (a reader never sees half a file) or to stdout.
 * Replacing an existing file is said on stderr, never done silently.
 */
export async function emit(text: string | Uint8Array, output: string | undefined, io: Io): Promise<void> {
  if (output === undefined) {
    if (typeof text !== "string")
      throw new InputError([
        {
          code: "cli/output",
          severity: "error",
          path: "--output",
          message: "a PNG is binary and is not printed to the terminal",
          fix: "name a file, e.g. --output topology.png",
        },
      ]);
    io.stdout(text);
    return;
  }
  const target = resolve(output);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new InputError([
      {
        code: "cli/output",
        severity: "error",
        path: "--output",
        message: `${output} is a directory`,
        fix: "name a file, e.g. --output report.json",
      },
    ]);
  }
  const parent = await stat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw new InputError([
      {
        code: "cli/output",
        severity: "error",
        path: "--output",
        message: `the folder of ${output} does not exist`,
        fix: `create ${dirname(output)} first`,
      },
    ]);
  }
  const temporary = `${target}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, target);
  io.stderr(`${existing ? "replaced" : "wrote"} ${output}\n`);
}
