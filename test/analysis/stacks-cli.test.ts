import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import type { Io } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { loadTopology } from "../../src/pipeline.js";

const STACKS = readdirSync("stacks")
  .filter((f) => /\.(ts|ya?ml|json)$/.test(f) && !f.startsWith("Pulumi."))
  .map((f) => `stacks/${f}`);

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, color: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

/** Every number in the analysis, with its JSON path. */
function numbers(value: unknown, path = ""): [string, number][] {
  if (typeof value === "number") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

describe.each(STACKS)("%s: the bundled example passes check", (file) => {
  // The repository's own workflow (.github/workflows/topology-check.yml) checks every stack with
  // fail-on: errors; two stacks had slipped into errors when the model's commit tails and managed
  // pipelines grew (SLOs below what the model predicts for them).
  it("no error findings", async () => {
    const io = capture();
    expect(await main(["check", file], io), io.out.join("")).toBe(0);
  });
});

describe.each(STACKS)("%s: plausible figures", (file) => {
  it("finite, non-negative numbers; p99 ≥ p50; probabilities in [0, 1]", async () => {
    const { model } = await loadTopology(file);
    const a = analyse(model);
    for (const [path, n] of numbers(a)) {
      expect(Number.isFinite(n), path).toBe(true);
      expect(n, path).toBeGreaterThanOrEqual(0);
    }
    for (const ds of a.datastores) {
      for (const o of [...ds.write.byOrigin, ...ds.read.byOrigin])
        expect(o.p99Ms).toBeGreaterThanOrEqual(o.p50Ms);
      expect(ds.availability.write).toBeLessThanOrEqual(1);
      // Cross-region quorum writes take tens of ms at most a few hundred, plus the transfer of a
      // large item over the slowest declared link (two legs, each at most ~5× it at the p99 with
      // these links' loads); nothing is unreachable.
      const itemBytes = model.datastores.find((d) => d.name === ds.name)!.traffic?.itemBytes ?? 0;
      const slowestMbps = Math.min(...model.links.map((l) => l.bandwidthMbps ?? Number.POSITIVE_INFINITY));
      const transferMs = ((itemBytes * 8) / (slowestMbps * 1e6)) * 1000;
      expect(ds.write.worstP99Ms).toBeLessThan(1000 + 10 * transferMs);
      expect(ds.partitionsWithoutQuorum).toBe(0);
    }
    for (const s of a.services) expect(s.availability).toBeLessThanOrEqual(s.ownAvailability);
    expect(a.cost.totalUsdPerMonth).toBeGreaterThan(0);
  });
});

describe("topoplan plan / whatif", () => {
  it("plan prints the tables", async () => {
    const io = capture();
    expect(await main(["plan", "stacks/global-kv.ts"], io)).toBe(0);
    const text = io.out.join("");
    expect(text).toContain("accounts  consensus, 5 replicas × 64 partitions, leader eu-west-1");
    expect(text).toMatch(/availability {2}write 99\.\d+% \(\d\.\d nines\)/);
    expect(text).toContain("Inter-region replication links");
    // Reads as they are served: "read 3" read as three replicas asked per read (a leaseholder
    // read asks one); sessions meets its region goal with 3, so 5 is a recommendation there.
    expect(text).toContain("quorum        write 3, reads at the leaseholder; commit p50");
    expect(text).toContain("quorum        write 2, reads at the nearest replica; commit p50");
    expect(text).toMatch(/minimum {7}5 replicas over 3 region\(s\) for goal region/);
    expect(text).toMatch(/recommended {3}5 replicas over 3 region\(s\) for goal region/);
    // Its transfer figure counts zones too, unlike the links table: named so.
    expect(text).toMatch(
      /cost\/month {4}\$[\d,.]+ replicas \+ \$[\d,.]+ data transfer \(between regions and zones\)/,
    );
  });

  it("plan: an etcd store reads at the leader after a quorum round", async () => {
    const io = capture();
    expect(await main(["plan", "stacks/control-plane.yaml"], io)).toBe(0);
    expect(io.out.join("")).toContain("reads at the leader after a quorum round (3)");
  });

  it("plan --format json is the analysis", async () => {
    const io = capture();
    expect(await main(["plan", "stacks/global-kv.ts", "--format", "json"], io)).toBe(0);
    const json = JSON.parse(io.out.join("")) as { topology: string; analysis: { datastores: unknown[] } };
    expect(json.topology).toBe("global-kv");
    expect(json.analysis.datastores).toHaveLength(2);
  });

  it("whatif: leader moves, exit 0 when no SLO breaks", async () => {
    const io = capture();
    expect(await main(["whatif", "stacks/global-kv.ts", "--fail", "region:eu-west-1"], io)).toBe(0);
    expect(io.out.join("")).toContain("leader moved from eu-west-1 to eu-central-1");
  });

  it("whatif: exit 1 when an SLO breaks", async () => {
    const io = capture();
    const code = await main(
      [
        "whatif",
        "stacks/global-kv.ts",
        "--fail",
        "region:eu-west-1",
        "--fail",
        "region:eu-central-1",
        "--format",
        "json",
      ],
      io,
    );
    expect(code).toBe(1);
    const json = JSON.parse(io.out.join("")) as { sloBroken: boolean; changes: { kind: string }[] };
    expect(json.sloBroken).toBe(true);
    expect(json.changes[0]!.kind).toBe("slo-broken");
  });

  it("whatif: writes at risk are whole writes above ten", async () => {
    const io = capture();
    await main(["whatif", "stacks/hybrid.ts", "--fail", "region:eu-west-1"], io);
    const counts = [...io.out.join("").matchAll(/about ([\d.,]+) writes/g)].map((m) => m[1]!);
    expect(counts.length).toBeGreaterThan(0);
    for (const count of counts)
      if (Number(count.replaceAll(",", "")) >= 10) expect(count).toMatch(/^[\d,]+$/);
  });

  it("whatif: exit 2 for an unknown region, with a suggestion", async () => {
    const io = capture();
    expect(await main(["whatif", "stacks/global-kv.ts", "--fail", "region:eu-wset-1"], io)).toBe(2);
    expect(io.err.join("")).toContain('did you mean "eu-west-1"?');
    expect(await main(["whatif", "stacks/global-kv.ts"], capture())).toBe(2);
  });
});
