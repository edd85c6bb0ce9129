import { randomBytes } from "node:crypto";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../diagnostics/diagnostic.js";
import { sweepLeftovers, temporaryName } from "../render/temporary.js";
import { terminalSafe } from "../report/escape.js";
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
  await sweepLeftovers(dirname(target), `.${basename(target)}.`, [".tmp"]);
  const temporary = join(
    dirname(target),
    temporaryName(`.${basename(target)}.`, randomBytes(4).toString("hex"), ".tmp"),
  );
  try {
    // As on a terminal: a control character is written as \uXXXX (inside JSON strings, the same text).
    await writeFile(temporary, typeof text === "string" ? terminalSafe(text, false) : text);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
  io.stderr(`${existing ? "replaced" : "wrote"} ${output}\n`);
}
