import { execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  createReadStream,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { cliCommand, ROOT, topoplan } from "./cli.js";

/**
 * What --output writes to, and what it never writes: an input (the report would replace the spec),
 * any file when the command line does not parse; a symlink's target rather than the link; a FIFO or
 * an open descriptor as a stream, never replaced by a regular file.
 */

const MINIMAL = join(ROOT, "test/fixtures/valid/minimal.yaml");
const UNKNOWN_REGION = join(ROOT, "test/fixtures/invalid/unknown-region.yaml");
/** Longest a run may take before the test gives up instead of hanging (a FIFO nobody opens). */
const LIMIT_MS = 20_000;

/** Runs `body` in a fresh temporary directory, removed afterwards whatever happens. */
async function inScratch<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "topoplan-output-"));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withinLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${LIMIT_MS} ms`)), LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    stream.on("end", () => resolve(text));
    stream.on("error", reject);
  });
}

/**
 * A FIFO in `dir` and what is read from it. The test holds a writer (`fd`) open, so neither side's
 * open() waits for the other, and the read ends when `close` is called — whatever the CLI did.
 */
function fifoIn(dir: string): { path: string; fd: number; received: Promise<string>; close(): void } {
  const path = join(dir, "fifo");
  execFileSync("mkfifo", [path]);
  const fd = openSync(path, "r+");
  const reader = createReadStream(path);
  let open = true;
  return {
    path,
    fd,
    received: readAll(reader),
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The report `check --format json` prints for the minimal spec. */
async function minimalReport(): Promise<{ code: number | null; stdout: string }> {
  const run = await topoplan(["check", MINIMAL, "--format", "json"]);
  expect(run.stderr).toBe("");
  return run;
}

/** Each entry of `dir`: a symlink's target, or a file's bytes. */
function snapshot(dir: string): Record<string, string | Buffer> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => {
        const path = join(dir, name);
        return [name, lstatSync(path).isSymbolicLink() ? `-> ${readlinkSync(path)}` : readFileSync(path)];
      }),
  );
}

/**
 * Each case: the files to make in the scratch directory, and argv. Paths are absolute: the CLI runs
 * from the repository (from source through tsx when dist/ is stale).
 */
const INPUT_AS_OUTPUT: readonly (readonly [
  name: string,
  setup: (dir: string) => void,
  argv: (dir: string) => readonly string[],
])[] = [
  [
    "check: the spec itself (json)",
    (dir) => copyFileSync(MINIMAL, join(dir, "s.yaml")),
    (dir) => ["check", join(dir, "s.yaml"), "--format", "json", "--output", join(dir, "s.yaml")],
  ],
  [
    "check: an invalid spec itself (sarif)",
    (dir) => copyFileSync(UNKNOWN_REGION, join(dir, "bad.yaml")),
    (dir) => ["check", join(dir, "bad.yaml"), "--format", "sarif", "--output", join(dir, "bad.yaml")],
  ],
  [
    "check: the spec through ./ and a symlink",
    (dir) => {
      copyFileSync(MINIMAL, join(dir, "s.yaml"));
      symlinkSync("s.yaml", join(dir, "alias.yaml"));
    },
    (dir) => ["check", `${dir}/./s.yaml`, "--format", "json", "--output", join(dir, "alias.yaml")],
  ],
  [
    "plan: the spec through a hard link",
    (dir) => {
      copyFileSync(MINIMAL, join(dir, "s.yaml"));
      linkSync(join(dir, "s.yaml"), join(dir, "hard.yaml"));
    },
    (dir) => ["plan", join(dir, "s.yaml"), "--format", "json", "--output", join(dir, "hard.yaml")],
  ],
  [
    "diff: the second spec (markdown)",
    (dir) => {
      copyFileSync(MINIMAL, join(dir, "base.yaml"));
      copyFileSync(MINIMAL, join(dir, "s.yaml"));
    },
    (dir) => [
      "diff",
      join(dir, "base.yaml"),
      join(dir, "s.yaml"),
      "--format",
      "markdown",
      "--output",
      join(dir, "s.yaml"),
    ],
  ],
  [
    "check: the policy config",
    (dir) => {
      copyFileSync(MINIMAL, join(dir, "s.yaml"));
      writeFileSync(join(dir, "p.yaml"), "rules: {}\n");
    },
    (dir) => [
      "check",
      join(dir, "s.yaml"),
      "--policy-config",
      join(dir, "p.yaml"),
      "--format",
      "json",
      "--output",
      join(dir, "p.yaml"),
    ],
  ],
];

describe.concurrent("--output naming an input", () => {
  it.each(INPUT_AS_OUTPUT)("%s: exit 2, every file and link as it was", (_, setup, argv) =>
    inScratch(async (dir) => {
      setup(dir);
      const before = snapshot(dir);
      const args = argv(dir);
      const { code, stdout, stderr } = await withinLimit(topoplan(args), args.join(" "));
      expect(code).toBe(2);
      expect(snapshot(dir)).toEqual(before);
      expect(stderr).toMatch(/--output {2}\S+ is also an input \(\S+\); writing the report would replace it/);
      const output = args.at(-1);
      // The machine-readable report still reaches CI, on stdout.
      expect(stderr).toContain(`on stdout; ${output} was not written.\n`);
      expect(stdout).toContain("cli/output");
    }),
  );
});

describe.concurrent("a command line that does not parse", () => {
  // The error reaches CI in the requested format when the command has that format; a command
  // without it (render takes no --format) or an unknown one reports on stderr only, rather than
  // print a check-shaped report nobody asked that command for.
  it.each([
    [
      "an unknown option",
      (dir: string) => ["render", MINIMAL, "--out", join(dir, "rr"), "--format", "json"],
      false,
    ],
    ["the spec missing", () => ["check", "--format", "sarif"], true],
    ["an unknown command", () => ["chek", MINIMAL, "--format", "json"], false],
  ] as const)("%s: exit 2 and --output untouched", (_, argv, machine) =>
    inScratch(async (dir) => {
      writeFileSync(join(dir, "keep.yaml"), "kept: true\n");
      const args = [...argv(dir), "--output", join(dir, "keep.yaml")];
      const { code, stdout, stderr } = await withinLimit(topoplan(args), args.join(" "));
      expect(code).toBe(2);
      expect(stderr).toContain("[cli/usage]");
      expect(readFileSync(join(dir, "keep.yaml"), "utf8")).toBe("kept: true\n");
      expect(readdirSync(dir)).toEqual(["keep.yaml"]);
      if (machine) expect(stdout).toContain("cli/usage");
      else expect(stdout).toBe("");
    }),
  );
});

describe("--output to what is not a regular file", () => {
  it("invalid input with --output naming another file: the report is written there", () =>
    inScratch(async (dir) => {
      const output = join(dir, "report.json");
      const argv = ["check", UNKNOWN_REGION, "--format", "json", "--output", output];
      const { code, stdout, stderr } = await withinLimit(topoplan(argv), argv.join(" "));
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(`wrote ${output}\n`);
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as { topology: string };
      expect(report.topology).toBe("(invalid input)");
    }));

  it("a symlink: its target gets the report, the link stays a link", () =>
    inScratch(async (dir) => {
      const expected = await minimalReport();
      mkdirSync(join(dir, "shared"));
      writeFileSync(join(dir, "shared/report.json"), "old\n");
      const link = join(dir, "link.json");
      symlinkSync("shared/report.json", link);
      const argv = ["check", MINIMAL, "--format", "json", "--output", link];
      const { code, stdout, stderr } = await withinLimit(topoplan(argv), argv.join(" "));
      expect({ code, stdout, stderr }).toEqual({
        code: expected.code,
        stdout: "",
        stderr: `replaced ${link}\n`,
      });
      expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, "link.json"))).toBe("shared/report.json");
      expect(readFileSync(join(dir, "shared/report.json"), "utf8")).toBe(expected.stdout);
      // Atomic beside the target: no temporary file left, in either folder.
      expect(readdirSync(join(dir, "shared"))).toEqual(["report.json"]);
      expect(readdirSync(dir).sort()).toEqual(["link.json", "shared"]);
    }));

  it("a FIFO is written to, not replaced", () =>
    inScratch(async (dir) => {
      const expected = await minimalReport();
      const fifo = fifoIn(dir);
      try {
        const argv = ["check", MINIMAL, "--format", "json", "--output", fifo.path];
        const run = await withinLimit(topoplan(argv), argv.join(" "));
        fifo.close();
        expect(await withinLimit(fifo.received, "reading the FIFO")).toBe(expected.stdout);
        expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
          code: expected.code,
          stdout: "",
          stderr: `wrote ${fifo.path}\n`,
        });
        expect(lstatSync(fifo.path).isFIFO()).toBe(true);
        expect(readdirSync(dir)).toEqual(["fifo"]);
      } finally {
        fifo.close();
      }
    }));

  // The CLI's fd 3 is the test's FIFO: /dev/fd/3 names a pipe in /dev/fd, where no file can be made.
  it("an open descriptor (/dev/fd/3, as a shell's >(…) passes) is written to", () =>
    inScratch(async (dir) => {
      const expected = await minimalReport();
      const fifo = fifoIn(dir);
      const child = spawn(
        process.execPath,
        [...cliCommand().args, "check", MINIMAL, "--format", "json", "--output", "/dev/fd/3"],
        {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: "1", TOPOPLAN_DEBUG: "" },
          stdio: ["ignore", "ignore", "pipe", fifo.fd],
        },
      );
      try {
        const [stderr, code] = await withinLimit(
          Promise.all([
            readAll(child.stderr as Readable),
            new Promise<number | null>((resolve) => child.on("close", resolve)),
          ]),
          "check --output /dev/fd/3",
        );
        fifo.close();
        expect({ code, stderr }).toEqual({ code: expected.code, stderr: "wrote /dev/fd/3\n" });
        expect(await withinLimit(fifo.received, "reading the FIFO")).toBe(expected.stdout);
      } finally {
        child.kill();
        fifo.close();
      }
    }));
});
