import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { mulberry32 } from "../../bench/prng.js";
import { walkSpec } from "../../src/spec/semantic/walk.js";
import { commandLines, listFiles, run, writeSpec } from "./harness.js";

/**
 * Bounded, seeded fuzzing of the CLI in this process: mutated specs (values swapped for hostile
 * ones, keys deleted, renamed or duplicated, list items repeated) over every command and format.
 * Nothing may exit 3 (a crash), take more than a few seconds, or write outside --out / --output.
 * A failure prints its seed and case number; FUZZ_SEED and FUZZ_CASES replay or widen a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
/** Far above any run seen here (a few to a few hundred ms); only unbounded work gets near it. */
const SLOW_MS = 10_000;

const BASES = [
  "test/fixtures/valid/every-field.yaml",
  "stacks/edge-cache.yaml",
  "test/fixtures/valid/minimal.yaml",
].map((file) => parse(readFileSync(file, "utf8")) as Record<string, unknown>);

const HOSTILE: readonly unknown[] = [
  0,
  -1,
  1,
  2,
  3,
  0.5,
  1.5,
  70,
  99.99,
  1e308,
  -1e308,
  2 ** 53,
  1e8,
  100_001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  " ",
  "eu-west-1",
  "eu-central-1",
  "us-east-1",
  "EU-WEST-1",
  "auto",
  "consensus",
  "kubernetes",
  "aws",
  "x".repeat(300),
  "Team",
  "team",
  "../../etc",
  "a\nb",
  "--- x",
  "#",
  "\u001b[2J",
  "<img src=x>",
  "__proto__",
  "constructor",
  "-4",
  "-1Gi",
  "1e3",
  "500m",
  null,
  true,
  false,
  [],
  {},
  ["eu-west-1", "eu-west-1"],
  { "eu-west-1": 3 },
  { target: "kubernetes", image: "x:1" },
  { target: "aws", service: "msk" },
  { secretRef: { name: "s", key: "k" } },
];

type Mutable = Record<string | number, unknown>;

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** One to three mutations of a random base spec. */
function mutate(rand: () => number): unknown {
  const spec = structuredClone(pick(rand, BASES)) as Mutable;
  const rounds = rand() < 0.6 ? 1 : 2 + Math.floor(rand() * 2);
  for (let r = 0; r < rounds; r++) {
    const nodes = [...walkSpec(spec)].filter((n) => n.at.length > 0);
    if (nodes.length === 0) break;
    const { at, value } = pick(rand, nodes);
    let parent = spec;
    for (const segment of at.slice(0, -1)) parent = parent[segment] as Mutable;
    const last = at.at(-1)!;
    const choice = rand();
    // Half the replacements keep the type, so more mutants get past the shape check into the pipeline.
    const sameType = HOSTILE.filter(
      (h) => typeof h === typeof value && Array.isArray(h) === Array.isArray(value),
    );
    if (choice < 0.3 && sameType.length > 0) parent[last] = structuredClone(pick(rand, sameType));
    else if (choice < 0.5) parent[last] = structuredClone(pick(rand, HOSTILE));
    else if (choice < 0.6) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (choice < 0.7 && Array.isArray(value) && value.length > 0)
      value.push(structuredClone(value[0]));
    else if (choice < 0.8 && !Array.isArray(parent) && typeof last === "string") {
      const renamed = pick(rand, [
        "__proto__",
        "constructor",
        last.toUpperCase(),
        `${last}-2`,
        "eu-west-1",
        "x".repeat(70),
      ]);
      Object.defineProperty(parent, renamed, {
        value: parent[last],
        enumerable: true,
        configurable: true,
        writable: true,
      });
      if (renamed !== last) delete parent[last];
    } else if (choice < 0.9 && typeof value === "number")
      parent[last] = value * pick(rand, [10, 1000, 1e6, -1, 0.001]);
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      // Copy an entry under a new key (a second component, region, …).
      const keys = Object.keys(value);
      if (keys.length > 0)
        (value as Mutable)[`${pick(rand, keys)}-copy`] = structuredClone(
          (value as Mutable)[pick(rand, keys)],
        );
    } else parent[last] = structuredClone(pick(rand, HOSTILE));
  }
  return spec;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Kubernetes would refuse these: label values over 63 characters or with other characters, bad names. */
function labelProblems(out: string): string[] {
  const problems: string[] = [];
  for (const file of listFiles(out).filter((f) => f.includes("/kubernetes/"))) {
    for (const doc of parseAllDocuments(readFileSync(join(out, file), "utf8"))) {
      const manifest = doc.toJS() as {
        metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
      };
      const { name = "", namespace, labels = {} } = manifest.metadata ?? {};
      if (!DNS_NAME.test(name) || name.length > 253) problems.push(`${file}: object name "${name}"`);
      if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
        problems.push(`${file}: namespace "${namespace}"`);
      for (const [key, value] of Object.entries(labels))
        if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
          problems.push(`${file}: label ${key}="${String(value)}"`);
    }
  }
  return problems;
}

const scratch = mkdtempSync(join(tmpdir(), "topoplan-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("fuzz: mutated specs over every command and format", () => {
  it(`${CASES} cases from seed ${SEED}: no exit 3, no hang, nothing written outside --out`, async () => {
    const rand = mulberry32(SEED);
    const base = writeSpec(scratch, "base", BASES[0], "yaml");
    const failures: string[] = [];
    const codes = new Map<number, number>();
    for (let n = 0; n < CASES; n++) {
      const dir = join(scratch, `case-${n}`);
      const spec = writeSpec(dir, "spec", mutate(rand), rand() < 0.7 ? "yaml" : "json");
      const out = join(dir, "out");
      const output = join(dir, "report.txt");
      const lines = commandLines(spec, base, out, output);
      const argv = lines[n % lines.length]!;
      const result = await run(argv);
      codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      const where = `seed ${SEED} case ${n}: ${argv.join(" ").replaceAll(dir, "<case>")}`;
      if (![0, 1, 2].includes(result.code))
        failures.push(`${where}: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
      if (result.ms > SLOW_MS) failures.push(`${where}: took ${Math.round(result.ms)} ms`);
      const expected = new Set(["spec.yaml", "spec.json"]);
      for (const file of listFiles(dir)) {
        const allowed =
          expected.has(file) ||
          (argv[0] === "render" && result.code === 0 && file.startsWith("out/")) ||
          // --output gets the report: with a machine format, invalid input is reported there too
          // (a complete report of the input problems, exit 2), never a partial one.
          (argv.includes("--output") &&
            file === "report.txt" &&
            (result.code !== 2 || ["json", "sarif", "markdown"].some((f) => argv.includes(f))));
        if (!allowed) failures.push(`${where}: wrote ${file}`);
      }
      if (argv[0] === "render" && result.code === 0)
        failures.push(...labelProblems(out).map((p) => `${where}: ${p}`));
      rmSync(dir, { recursive: true, force: true });
    }
    expect(failures).toEqual([]);
    // The mutations reach past validation, not only into exit 2.
    expect((codes.get(0) ?? 0) + (codes.get(1) ?? 0)).toBeGreaterThan(CASES / 20);
    expect(codes.get(2) ?? 0).toBeGreaterThan(CASES / 10);
  }, 300_000);
});
