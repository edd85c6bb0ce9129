import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { walkSpec } from "../../src/spec/semantic/walk.js";
import { commandLines, listFiles, type Run, run, writeSpec } from "./harness.js";

/**
 * For every string of a spec that sets every string field (values and the names used as keys),
 * each payload below must not create an extra YAML document, a file outside --out, a terminal
 * control sequence or an HTML element / link in any output of any command.
 */
const PAYLOADS = [
  "x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: pwned}",
  "x # pwned: true",
  "x\u001b[2J\u001b[8mhidden\u001b[0m\r",
  '<img src="https://evil.example/x.png" onerror="alert(1)">',
  "../../../../tmp/pwned",
  "[click](https://evil.example) ![i](https://evil.example/i.png)",
  "a|b`c\u202eevil",
];

const BASE = parse(readFileSync("test/fixtures/valid/every-field.yaml", "utf8")) as Record<string, unknown>;
const scratch = mkdtempSync(join(tmpdir(), "topoplan-injection-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Where a payload goes: a string value, or the key of an entry (a component, region, env name). */
type Target = { at: readonly (string | number)[]; key: boolean };

function targets(): Target[] {
  const out: Target[] = [];
  for (const { at, value } of walkSpec(BASE)) {
    if (typeof value === "string") out.push({ at, key: false });
    if (at.length > 0 && typeof at.at(-1) === "string") out.push({ at, key: true });
  }
  return out;
}

function inject(target: Target, payload: string): unknown {
  const copy = structuredClone(BASE);
  let parent = copy as Record<string | number, unknown>;
  for (const segment of target.at.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = target.at.at(-1)!;
  if (target.key) {
    // Rename the key in place, keeping its position.
    const entries = Object.entries(parent).map(([k, v]) => [k === last ? `${String(last)}${payload}` : k, v]);
    for (const k of Object.keys(parent)) delete parent[k];
    Object.assign(parent, Object.fromEntries(entries));
  } else parent[last] = `${String(parent[last])}${payload}`;
  return copy;
}

/** Markdown outside code spans: no HTML tag, link or image can start there. */
function markdownProblems(text: string): string[] {
  // Code blocks and spans show their text as it is; topoplan's own tags are the ones listed.
  const prose = text
    .replace(/```[\s\S]*?```/g, "")
    .replace(/(`+)[^`]*?\1/g, "")
    .replace(/<\/?(details|summary|br)>/g, "");
  const problems: string[] = [];
  if (/(?<!\\)<[a-z/!]/i.test(prose)) problems.push("an HTML element");
  if (/(?<!\\)\]\(/.test(prose)) problems.push("a link or image");
  return problems;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function problemsOf(result: Run, out: string, output: string): string[] {
  const problems: string[] = [];
  const [command] = result.argv;
  const format = result.argv[result.argv.indexOf("--format") + 1];
  if (![0, 1, 2].includes(result.code)) problems.push(`exit ${result.code}: ${result.stderr.slice(0, 300)}`);
  if (TERMINAL_CONTROL.test(result.stdout + result.stderr))
    problems.push("a control character reached the terminal");
  // Invalid input is reported in the requested machine format (json, sarif, markdown) on stdout;
  // in text it goes to stderr only.
  const machine = ["json", "sarif", "markdown"].includes(format ?? "");
  if (result.code === 2 && result.stdout !== "" && !machine) problems.push("exit 2 with a report on stdout");
  const written = result.argv.includes("--output") && existsSync(output) ? readFileSync(output, "utf8") : "";
  const report = result.stdout + written;
  if (result.code !== 2) {
    if (format === "markdown")
      problems.push(...markdownProblems(report).map((p) => `${p} in the Markdown report`));
    if (format === "json" || format === "sarif") {
      try {
        JSON.parse(report);
      } catch {
        problems.push("the JSON report does not parse");
      }
    }
    if (TERMINAL_CONTROL.test(written)) problems.push("a control character in the --output file");
  }
  if (command === "render" && existsSync(out)) {
    // One document per planned resource (the README's count, made from the plan, not the YAML),
    // each under its `# pulumi:` line: a payload adds none.
    const planned = Number(/^(\d+) resources, /m.exec(readFileSync(join(out, "README.md"), "utf8"))?.[1]);
    let documents = 0;
    for (const file of listFiles(out)) {
      if (!file.endsWith(".yaml")) continue;
      const text = readFileSync(join(out, file), "utf8");
      const docs = parseAllDocuments(text);
      const objects = text.split("\n").filter((line) => line.startsWith("# pulumi: ")).length;
      documents += Array.isArray(docs) ? docs.length : 1;
      if (!Array.isArray(docs) || docs.length !== objects || docs.some((doc) => doc.errors.length > 0))
        problems.push(`${file} is not exactly one YAML document per object`);
      if (/ClusterRoleBinding/.test(text)) problems.push(`${file} holds the injected ClusterRoleBinding`);
      const comments = text.split("\n").filter((line) => line.startsWith("#"));
      if (comments.some((line) => !/^# (Generated by topoplan render|pulumi: )/.test(line)))
        problems.push(`${file} has a comment line topoplan did not write`);
    }
    if (documents !== planned) problems.push(`${documents} YAML documents for ${planned} planned resources`);
  }
  return problems;
}

describe("injection: every string field × every payload × every command", () => {
  const all = targets();

  it("covers the strings of the spec (values and names)", () => {
    expect(all.filter((t) => !t.key).length).toBeGreaterThan(60);
    expect(all.filter((t) => t.key).length).toBeGreaterThan(60);
  });

  it("no payload creates a YAML document, a file outside --out, a terminal control or HTML", async () => {
    const failures: string[] = [];
    const base = writeSpec(scratch, "base", BASE, "yaml");
    let n = 0;
    let accepted = 0;
    for (const target of all) {
      for (const payload of PAYLOADS) {
        const dir = join(scratch, `case-${n++}`);
        const spec = writeSpec(dir, "spec", inject(target, payload), n % 2 === 0 ? "yaml" : "json");
        const out = join(dir, "out");
        const output = join(dir, "report.txt");
        const lines = commandLines(spec, base, out, output);
        // A rejected spec fails the same way everywhere: one command (rotating) suffices for it.
        const first = await run(["check", spec, "--format", "json"]);
        const chosen = first.code === 2 ? [] : lines;
        for (const problem of problemsOf(first, out, output))
          failures.push(`${target.at.join(".")}: ${problem}`);
        if (first.code !== 2) accepted++;
        for (const argv of chosen) {
          const result = await run(argv);
          const where = `${target.key ? "key" : "value"} ${target.at.join(".")} + ${JSON.stringify(payload)}: ${argv.join(" ")}`;
          for (const problem of problemsOf(result, out, output)) failures.push(`${where}: ${problem}`);
          if (argv[0] === "render") rmSync(out, { recursive: true, force: true });
          rmSync(output, { force: true });
        }
        // Nothing outside --out and --output (both removed above): only the spec is left.
        const left = listFiles(dir);
        if (left.join() !== spec.slice(dir.length + 1))
          failures.push(`${target.at.join(".")}: files left: ${left.join(", ")}`);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(failures).toEqual([]);
    // Free-text fields accept the payloads, so the outputs were really exercised.
    expect(accepted).toBeGreaterThan(10);
  }, 600_000);
});
