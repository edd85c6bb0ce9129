import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { renderMarkdown, sloRows } from "../../src/report/markdown.js";
import { renderMermaid } from "../../src/report/mermaid.js";
import { type CheckReport, summarise } from "../../src/report/types.js";
import { modelOf, stubAnalysis } from "../policies/harness.js";

const model = modelOf({
  name: "shop",
  users: { "eu-west-1": 1 },
  datastores: {
    orders: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 2, "eu-central-1": 1 },
      leader: "eu-west-1",
      slo: { writeP99Ms: 30 },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1"],
      calls: [{ to: "orders", op: "write", timeoutMs: 100 }],
      slo: { availability: 0.999 },
    },
  },
});

const finding = (i: number): Diagnostic => ({
  code: "retry-jitter",
  severity: "warning",
  path: `services.api.calls[${i}]`,
  message: `finding ${i} with a | pipe and enough text to take room: ${"x".repeat(200)}`,
  fix: "set backoff.jitter: true",
});

const report = (findings: Diagnostic[]): CheckReport => ({
  topology: "shop",
  file: "stacks/shop.ts",
  findings,
  summary: summarise(findings),
  analysis: stubAnalysis(model, {
    datastores: { orders: { write: { byOrigin: [], worstP99Ms: 45.25, weightedP99Ms: 45.25 } } },
  }),
});

describe("Markdown report", () => {
  it("cuts a predicted availability as the findings do, never rounding it up to its target", () => {
    // 99.98969% printed 99.9897% in the SLO table and 99.9896% in the finding beside it.
    const cut: CheckReport = {
      ...report([]),
      analysis: stubAnalysis(model, { services: { api: { availability: 0.9998969 } } }),
    };
    expect(renderMarkdown(cut, { model })).toContain(
      "| `services.api` | availability | 99.9% | 99.9896% | ✅ |",
    );
  });

  it("verdict, findings, SLO table with predictions, and the diagram", () => {
    const text = renderMarkdown(report([finding(0)]), { model });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "## ✅ topoplan check: `shop` — PASS",
      "",
      "`stacks/shop.ts` · 0 errors, 1 warning, 0 unknown, 0 suppressed",
    ]);
    expect(text).toContain(
      "| 🟡 warning | `retry-jitter` | `services.api.calls[0]` | finding 0 with a \\| pipe",
    );
    expect(text).toContain("| `datastores.orders` | write p99 | 30 ms | 45.3 ms | ❌ |");
    expect(text).toContain("| `services.api` | availability | 99.9% | 99.999% | ✅ |");
    expect(text).toContain("```mermaid\nflowchart LR\n");
  });

  it("stays under GitHub's comment limit: findings first, then a note of what was cut", () => {
    const many = Array.from({ length: 600 }, (_, i) => finding(i));
    const text = renderMarkdown(report(many), { model });
    expect(text.length).toBeLessThanOrEqual(65_536);
    expect(text).toContain("### Findings (600)");
    expect(text).not.toContain("```mermaid"); // the diagram goes whole or not at all
    const shown = text.split("\n").filter((line) => line.startsWith("| 🟡")).length;
    expect(shown).toBeGreaterThan(100);
    expect(text).toContain(`_… ${600 - shown} findings more, left out to fit the comment._`);
    expect(text).toContain(
      `> **Cut to fit GitHub's 65,536-character comment limit:** ${600 - shown} of 600 findings, `,
    );
  });

  it("fits any size and any limit, in time linear in the findings", () => {
    for (const n of [0, 1, 50, 5_000]) {
      const findings = Array.from({ length: n }, (_, i) => finding(i));
      for (const limit of [2_000, 20_000, 65_536]) {
        const text = renderMarkdown(report(findings), { model, limit });
        expect(text.length, `${n} findings, limit ${limit}`).toBeLessThanOrEqual(limit);
        expect(text.startsWith("## ✅ topoplan check: `shop` — PASS")).toBe(true);
      }
    }
  });

  it("the cost rows add up to the total: services' pods have rows of their own", () => {
    const priced = modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        orders: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", image: "db:1" },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1", "eu-central-1"],
          replicasPerRegion: 3,
          calls: [{ to: "orders", op: "write", timeoutMs: 100 }],
          deploy: { target: "kubernetes", image: "api:1", cpu: "2", memory: "4Gi" },
        },
      },
    });
    const analysis = analyse(priced);
    const api = analysis.services.find((s) => s.name === "api")!.costUsdPerMonth!;
    expect(api.replicas).toBeGreaterThan(10); // priced, so a missing row would show
    const text = renderMarkdown({ ...report([]), analysis }, { model: priced });
    const table = text.slice(text.indexOf("| Component |"), text.indexOf("</details>"));
    const dollars = (cell: string) => Number(cell.replace(/[$,*\s]/g, ""));
    const rows = table
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    expect(rows.map((cells) => cells[1])).toEqual(["`datastores.orders`", "`services.api`"]);
    const total = table
      .split("\n")
      .find((line) => line.startsWith("| **total**"))!
      .split("|")[4]!;
    // Each row is rounded to whole dollars from $100 up: within half a dollar a row.
    const sum = rows.reduce((n, cells) => n + dollars(cells[4]!), 0);
    expect(Math.abs(sum - dollars(total))).toBeLessThanOrEqual(rows.length * 0.5);
    expect(dollars(total)).toBeCloseTo(analysis.cost.totalUsdPerMonth, 0);
  });

  it("spec strings cannot inject HTML, links or table breaks", () => {
    const evil: Diagnostic = {
      code: "retry-jitter",
      severity: "warning",
      path: 'services["<img src=x onerror=alert(1)>"]',
      message: "see [click](https://evil.example) <img src=x> | \u001b[2J done",
    };
    const text = renderMarkdown(report([evil]), { model });
    const line = text.split("\n").find((l) => l.startsWith("| 🟡"))!;
    // Inside code spans text is inert; outside them no tag or link may appear.
    const outside = line.replace(/(`+)(?:(?!\1).)+\1/g, "");
    expect(outside).not.toMatch(/<img/);
    expect(outside).not.toContain("](https://");
    expect(line).not.toContain("\u001b");
    expect(line.split(/(?<!\\)\|/).length).toBe(7); // 5 cells, no extra column
  });
});

describe("Mermaid diagram", () => {
  it("regions as subgraphs, replicas per region with the leader starred, calls as edges", () => {
    expect(renderMermaid(model)).toBe(
      [
        "flowchart LR",
        '  subgraph R__eu_central_1["eu-central-1"]',
        '    orders__eu_central_1[("orders · 1 of 3")]',
        "  end",
        '  subgraph R__eu_west_1["eu-west-1"]',
        '    orders__eu_west_1[("orders ★ · 2 of 3")]',
        '    api__eu_west_1["api · 2 pods"]',
        "  end",
        "  api__eu_west_1 -->|write| orders__eu_west_1",
        "",
      ].join("\n"),
    );
  });
});

describe("Mermaid ids", () => {
  it("no node takes a region's id, whatever the components are called (`region`, `R`)", () => {
    const named = modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      services: {
        region: { regions: ["eu-west-1"], calls: [{ to: "r", timeoutMs: 100 }] },
        r: { regions: ["eu-west-1"] },
      },
    });
    const text = renderMermaid(named)!;
    const subgraphs = [...text.matchAll(/^ *subgraph (\S+)\[/gm)].map((m) => m[1]);
    const nodes = [...text.matchAll(/^ {4}(\S+)[[(>]/gm)].map((m) => m[1]);
    expect(nodes.filter((node) => subgraphs.includes(node))).toEqual([]);
    expect(subgraphs).toEqual(["R__eu_west_1"]);
    expect(nodes.sort()).toEqual(["r__eu_west_1", "region__eu_west_1"]);
  });
});

describe("Mermaid paths go where requests really go", () => {
  it("writes from a region without the primary go to the primary; no ★ on leaderless stores", async () => {
    const { loadTopology } = await import("../../src/pipeline.js");
    const { model: mesh } = await loadTopology("stacks/service-mesh.ts");
    const text = renderMermaid(mesh);
    // commerce-db is primary-replica with its primary in us-east-1.
    expect(text).toContain("checkout__us_west_2 -->|write| commerce_db__us_east_1");
    expect(text).not.toMatch(/-->\|write\| commerce_db__us_west_2/);
    // catalog-db is leaderless: no leader star anywhere.
    expect(text).not.toMatch(/catalog-db ★/);
  });

  // The analysis sends a call from a region without the callee to the callee's nearest serving
  // region by the model's RTT (services.ts `from`, replication/common.ts `nearestReachable`):
  // us-west-2 is nearer us-east-1 than eu-west-1, the callee's alphabetically first region.
  const edges = (m: ReturnType<typeof modelOf>) =>
    (renderMermaid(m) ?? "").split("\n").filter((line) => /-\.?->/.test(line));
  type ServiceSpec = NonNullable<Parameters<typeof modelOf>[0]["services"]>[string];
  const callerIn = (region: string, calls: NonNullable<ServiceSpec["calls"]>): ServiceSpec => ({
    regions: [region],
    calls,
    deploy: { target: "kubernetes", image: "web:1" },
  });

  it("a call from a region without the callee goes to its nearest region, not its first", () => {
    const m = modelOf({
      name: "pay",
      users: { "us-west-2": 1 },
      services: {
        web: callerIn("us-west-2", [{ to: "psp", op: "request", timeoutMs: 1_000 }]),
        psp: { regions: ["eu-west-1", "us-east-1"], deploy: { target: "external" } },
      },
    });
    expect(edges(m)).toEqual(["  web__us_west_2 -->|request| psp__us_east_1"]);
  });

  it("a Kubernetes callee reached by its clusterset name: an edge to every region it spreads over", () => {
    const m = modelOf({
      name: "pay",
      users: { "us-west-2": 1 },
      services: {
        web: callerIn("us-west-2", [{ to: "psp", op: "request", timeoutMs: 1_000 }]),
        psp: { regions: ["eu-west-1", "us-east-1"], deploy: { target: "kubernetes", image: "psp:1" } },
      },
    });
    expect(edges(m)).toEqual([
      "  web__us_west_2 -->|request| psp__eu_west_1",
      "  web__us_west_2 -->|request| psp__us_east_1",
    ]);
  });

  it("reads go to the nearest replica holding data; strong reads to the leader", () => {
    const store = (consistency: "eventual" | "strong") =>
      modelOf({
        name: "pay",
        users: { "us-west-2": 1 },
        datastores: {
          ledger: {
            replication: "primary-replica",
            consistency,
            replicas: 3,
            placement: { "eu-west-1": 2, "us-east-1": 1 },
            leader: "eu-west-1",
          },
        },
        services: {
          web: callerIn("us-west-2", [{ to: "ledger", op: "read", timeoutMs: 1_000 }]),
          api: callerIn("us-east-1", [{ to: "ledger", op: "read", timeoutMs: 1_000 }]),
        },
      });
    expect(edges(store("eventual"))).toEqual([
      "  api__us_east_1 -->|read| ledger__us_east_1",
      "  web__us_west_2 -->|read| ledger__us_east_1",
    ]);
    // A primary serves strong reads even beside a replica (leader-based.ts readP50).
    expect(edges(store("strong"))).toEqual([
      "  api__us_east_1 -->|read| ledger__eu_west_1",
      "  web__us_west_2 -->|read| ledger__eu_west_1",
    ]);
  });

  it("a multi-leader write goes to the nearest write region; a consumer reads the nearest cluster", () => {
    const m = modelOf({
      name: "pay",
      users: { "us-west-2": 1 },
      datastores: {
        carts: {
          replication: "multi-leader",
          replicas: 2,
          placement: { "eu-west-1": 1, "us-east-1": 1 },
          leader: "eu-west-1",
        },
      },
      streams: {
        events: { regions: ["eu-west-1", "us-east-1"], partitions: 3, replicas: 3, consumers: ["web"] },
      },
      services: {
        web: callerIn("us-west-2", [
          { to: "carts", op: "write", timeoutMs: 1_000 },
          { to: "events", op: "produce", timeoutMs: 1_000 },
        ]),
      },
    });
    expect(edges(m)).toEqual([
      "  web__us_west_2 -->|write| carts__us_east_1",
      "  web__us_west_2 -->|produce| events__us_east_1",
      "  events__us_east_1 -.->|consume| web__us_west_2",
    ]);
  });
});

describe("SLO table: RPO and RTO through the loss of the leader's region", () => {
  // Not in the table before: a broken RTO showed as a finding only. 2 + 1: a write commits inside
  // eu-west-1 (its 2 voters), so losing it loses what had not reached eu-central-1 (the RPO).
  it("no RTO where losing the leader's region stops writes; the RPO figure beside its target", () => {
    const m = modelOf({
      name: "kv",
      users: { "eu-west-1": 1 },
      datastores: {
        accounts: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 2, "eu-central-1": 1 },
          leader: "eu-west-1",
          slo: { rpoSeconds: 1, rtoSeconds: 60 },
        },
      },
    });
    const rows = sloRows(m, analyse(m)).filter((r) => r.slo === "RPO" || r.slo === "RTO");
    expect(rows).toEqual([
      { component: "datastores.accounts", slo: "RPO", target: "1 s", predicted: "0.014 s", ok: true },
      {
        component: "datastores.accounts",
        slo: "RTO",
        target: "60 s",
        predicted: "none: writes stop until eu-west-1 returns",
        ok: false,
      },
    ]);
  });
});
