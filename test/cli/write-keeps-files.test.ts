/**
 * Writing into a file the user owns keeps what the file is: `solve --write` into a symlinked spec
 * rewrites its target (the link stays a link), and both it and `--output` keep the replaced file's
 * permissions (review: a symlink became a regular file, 0640 and 0600 became 0644).
 */
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../hardening/harness.js";

const scratch = mkdtempSync(join(tmpdir(), "topoplan-write-keeps-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SPEC = [
  "name: control-plane",
  "users: { eu-west-1: 0.6, eu-central-1: 0.4 }",
  "datastores:",
  "  config:",
  "    replication: consensus",
  "    replicas: 5",
  "    placement: { eu-west-1: 2, eu-central-1: 2, eu-north-1: 1 }",
  "    leader: eu-west-1",
  "    residency: [EU]",
  "    traffic: { readsPerSec: 2000, writesPerSec: 200, itemBytes: 512 }",
  "    slo: { writeP99Ms: 150, readP99Ms: 120 }",
  "    deploy: { target: kubernetes, engine: etcd }",
  "",
].join("\n");

describe("files the CLI replaces keep what they are", () => {
  it("solve --write through a symlink rewrites the target, keeps the link and the mode", async () => {
    const real = join(scratch, "real.yaml");
    const link = join(scratch, "link.yaml");
    writeFileSync(real, SPEC);
    chmodSync(real, 0o640);
    symlinkSync(real, link);
    const { stderr } = await run(["solve", link, "--write"]);
    expect(stderr).toContain("wrote the chosen placement of config");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).not.toBe(SPEC);
    expect(statSync(real).mode & 0o777).toBe(0o640);
  });

  it("--output over an existing 0600 report keeps 0600", async () => {
    const spec = join(scratch, "spec.yaml");
    const report = join(scratch, "report.json");
    writeFileSync(spec, SPEC);
    writeFileSync(report, "{}");
    chmodSync(report, 0o600);
    const { code, stderr } = await run(["check", spec, "--format", "json", "--output", report]);
    expect([0, 1]).toContain(code);
    expect(stderr).toContain("replaced");
    expect(readFileSync(report, "utf8")).not.toBe("{}");
    expect(statSync(report).mode & 0o777).toBe(0o600);
  });
});

describe("a failed write names the path the user gave", () => {
  it.skipIf(process.platform !== "linux")("--output /dev/full: exit 2 naming /dev/full", async () => {
    const { code, stderr } = await run(["check", "stacks/control-plane.yaml", "--output", "/dev/full"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error {3}\/dev\/full {2}no space left on the device/m);
  });
});
