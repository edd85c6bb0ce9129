import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { measure, type Runner, scratchFile } from "./lib/measure.js";
import { repoRoot } from "./lib/optional.js";
import { COMMAND_NAMES } from "./subjects/commands.js";

/**
 * The scenarios of DESIGN.md "Performance targets". A scenario with two subjects compares the
 * first (topoplan) with the second (its peer), measured alternately in the same run.
 */
export interface SubjectSpec {
  readonly id: string;
  readonly label: string;
  readonly runner: Runner;
}

export interface Target {
  /** Median wall time of the (first) subject below this, ms. */
  readonly wallMs?: number;
  /** Median peak RSS of the (first) subject below this, MiB. */
  readonly rssMb?: number;
  /** Median paired ratio subject / peer at most this. */
  readonly ratio?: number;
  readonly text: string;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly warmups: number;
  /** Samples per subject on a quiet machine. */
  readonly samples: number;
  /**
   * Seconds this scenario may take (preparation and warm-up included) before it stops adding samples — never
   * below 3 per subject — so `npm run bench` stays under 10 minutes on a busy machine too.
   */
  readonly budgetS: number;
  readonly timeoutMs: number;
  readonly target?: Target;
  /** The subject every other one is paired against (ratios per subject), e.g. `check`. */
  readonly peer?: string;
  /** Targets of individual subjects (judged against `peer` for ratios). */
  readonly subjectTargets?: Readonly<Record<string, Target>>;
  /** A member of a size series: the report prints growth exponents between consecutive sizes. */
  readonly scale?: { readonly series: string; readonly size: number; readonly maxExponent?: number };
  /** Builds the subjects: may prepare inputs (in a child process) or decide the scenario cannot run. */
  prepare(): Promise<
    { readonly subjects: readonly SubjectSpec[]; readonly note?: string } | { readonly skipped: string }
  >;
}

const CHECK_SIZES = [100, 1_000, 10_000] as const;

function checkScenario(partitions: number): Scenario {
  return {
    id: `check-${partitions}`,
    title: `check: ${partitions.toLocaleString("en")} partitions × 5 replicas, 25 regions, 200 services`,
    warmups: 1,
    samples: 5,
    budgetS: 40,
    timeoutMs: 120_000,
    ...(partitions === 10_000 ? { target: { wallMs: 1000, rssMb: 300, text: "< 1 s, < 300 MB" } } : {}),
    async prepare() {
      return {
        subjects: [
          {
            id: "topoplan",
            label: "topologyFromData + runCheck",
            runner: {
              kind: "child",
              subject: "check",
              params: { seed: 1, partitions, replicas: 5, regions: 25, services: 200 },
            },
          },
        ],
      };
    },
  };
}

/** Builds the plan file once, in its own process. */
async function preparePlanFile(
  name: string,
  count: number,
  closed: boolean,
): Promise<{ file: string; note: string } | { skipped: string }> {
  const out = scratchFile(`${name}.json`);
  const result = await measure(
    { kind: "child", subject: "prepare-plan", params: { count, seed: 7, out, closed } },
    300_000,
  );
  if ("error" in result) throw new Error(`preparing the ${name} plan failed: ${result.error}`);
  if ("skipped" in result) return { skipped: result.skipped };
  const info = result.sample.info ?? {};
  return { file: out, note: `${info.resources} objects from ${info.source}` };
}

/**
 * topoplan against a peer on the same compiled plan: the plan is prepared once in a child process,
 * then each side runs in its own child per sample.
 */
function planPairScenario(spec: {
  readonly id: string;
  readonly title: string;
  readonly budgetS: number;
  readonly target: Target;
  readonly plan: {
    readonly name: string;
    readonly objects: number;
    readonly closedUnderDependencies: boolean;
  };
  readonly subjects: readonly (readonly [id: string, label: string, subject: string])[];
}): Scenario {
  return {
    id: spec.id,
    title: spec.title,
    warmups: 1,
    samples: 5,
    budgetS: spec.budgetS,
    timeoutMs: 180_000,
    target: spec.target,
    async prepare() {
      const { name, objects, closedUnderDependencies } = spec.plan;
      const plan = await preparePlanFile(name, objects, closedUnderDependencies);
      if ("skipped" in plan) return { skipped: plan.skipped };
      const params = { planFile: plan.file };
      return {
        note: plan.note,
        subjects: spec.subjects.map(([id, label, subject]) => ({
          id,
          label,
          runner: { kind: "child" as const, subject, params },
        })),
      };
    },
  };
}

const RENDER_OBJECTS = 20_000;
const renderScenario = planPairScenario({
  id: "render",
  title: `render ${RENDER_OBJECTS.toLocaleString("en")} Kubernetes objects to YAML files (compile included) vs cdk8s synth`,
  budgetS: 200,
  target: { ratio: 0.5, text: "≤ 0.5× cdk8s" },
  plan: { name: "render-plan", objects: RENDER_OBJECTS, closedUnderDependencies: false },
  subjects: [
    ["topoplan", "compilePlan + src/render", "render-topoplan"],
    ["cdk8s", "cdk8s App/Chart/ApiObject + synth", "render-cdk8s"],
  ],
});

const PULUMI_RESOURCES = 2_000;
const pulumiScenario = planPairScenario({
  id: "pulumi",
  title: `Pulumi under mocks: register ${PULUMI_RESOURCES.toLocaleString("en")} Kubernetes resources`,
  budgetS: 150,
  target: { ratio: 1.2, text: "≤ 1.2× bare Pulumi" },
  plan: { name: "pulumi-plan", objects: PULUMI_RESOURCES, closedUnderDependencies: true },
  subjects: [
    ["topoplan", "src/pulumi instantiatePlan", "pulumi-topoplan"],
    ["bare", "bare new k8s.*(name, inputs, { provider })", "pulumi-bare"],
  ],
});

/** A YAML stack if there is one (no TypeScript loader on the path), else the TypeScript example. */
function smallStack(root: string): string {
  const stacks = join(root, "stacks");
  const yaml = existsSync(stacks)
    ? readdirSync(stacks)
        .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("Pulumi."))
        .sort()
    : [];
  return yaml[0] === undefined ? "stacks/global-kv.ts" : `stacks/${yaml[0]}`;
}

const coldScenario: Scenario = {
  id: "cold-start",
  title: "cold start: `topoplan check` of a small stack vs `node -e 0`",
  warmups: 2,
  samples: 10,
  budgetS: 40,
  timeoutMs: 60_000,
  target: { wallMs: 500, text: "< 0.5 s" },
  async prepare() {
    const root = repoRoot();
    if (!existsSync(join(root, "dist/src/cli/main.js")))
      return { skipped: "skipped: dist/src/cli/main.js not found (run npm run build)" };
    const stack = smallStack(root);
    return {
      note: `node bin/topoplan.js check ${stack}`,
      subjects: [
        {
          id: "topoplan",
          label: `topoplan check ${stack}`,
          runner: {
            kind: "command",
            nodeArgs: ["bin/topoplan.js", "check", stack],
            cwd: root,
            okExitCodes: [0, 1],
          },
        },
        {
          id: "node",
          label: "node -e 0",
          runner: { kind: "command", nodeArgs: ["-e", "0"], cwd: root, okExitCodes: [0] },
        },
      ],
    };
  },
};

/**
 * Every command on one generated spec: check (the peer), plan, whatif, render (compile included)
 * and diff (against an edited copy), each in its own process per sample, alternated.
 */
function commandsScenario(spec: {
  readonly id: string;
  readonly title: string;
  readonly services: number;
  readonly partitions: number;
  readonly samples: number;
  readonly budgetS: number;
  readonly timeoutMs: number;
  readonly scale?: Scenario["scale"];
  readonly subjectTargets?: Scenario["subjectTargets"];
}): Scenario {
  const params = { seed: 1, services: spec.services, partitions: spec.partitions, replicas: 5, regions: 25 };
  return {
    id: spec.id,
    title: spec.title,
    warmups: 0,
    samples: spec.samples,
    budgetS: spec.budgetS,
    timeoutMs: spec.timeoutMs,
    peer: "check",
    ...(spec.scale === undefined ? {} : { scale: spec.scale }),
    ...(spec.subjectTargets === undefined ? {} : { subjectTargets: spec.subjectTargets }),
    async prepare() {
      return {
        subjects: COMMAND_NAMES.map((command) => ({
          id: command,
          label: COMMAND_LABELS[command] ?? command,
          runner: { kind: "child" as const, subject: "command", params: { ...params, command } },
        })),
      };
    },
  };
}

const COMMAND_LABELS: Readonly<Record<string, string>> = {
  check: "validate + analyse + policies + text report",
  "check-markdown": "check with the PR comment (Markdown, diagram) instead of text",
  "check-sarif": "check with SARIF instead of text",
  plan: "analyse + compile + tables + add-ons",
  whatif: "2 analyses (failed one incremental) + changes, region:us-east-1",
  render: "compile + YAML files written",
  diff: "2 × (analyse + findings + compile of what the edit can change) + diff, edited copy",
};

const SERIES = "commands, 1,000 partitions, 25 regions";
const ratioTarget = (ratio: number): Target => ({ ratio, text: `≤ ${ratio}× check` });
const COMMAND_SCENARIOS: readonly Scenario[] = [
  commandsScenario({
    id: "commands-200",
    title: "every command, 200 services",
    services: 200,
    partitions: 1000,
    samples: 3,
    budgetS: 120,
    timeoutMs: 600_000,
    scale: { series: SERIES, size: 200, maxExponent: 1.15 },
  }),
  commandsScenario({
    id: "commands-2000",
    title: "every command, 2,000 services",
    services: 2000,
    partitions: 1000,
    samples: 3,
    budgetS: 400,
    // Wall time: generous, a shared machine stretches it many times over the CPU time.
    timeoutMs: 1_200_000,
    scale: { series: SERIES, size: 2000, maxExponent: 1.15 },
    subjectTargets: { plan: ratioTarget(2), render: ratioTarget(2), diff: ratioTarget(2) },
  }),
  commandsScenario({
    id: "commands-20000",
    title: "every command, 20,000 services",
    services: 20_000,
    partitions: 1000,
    samples: 1,
    budgetS: 900,
    timeoutMs: 3_600_000,
    scale: { series: SERIES, size: 20_000, maxExponent: 1.15 },
    subjectTargets: { check: { wallMs: 3000, rssMb: 1024, text: "< 3 s, < 1 GB" } },
  }),
  commandsScenario({
    id: "commands-10m-partitions",
    title: "every command, 10,000,000 partitions × 5 replicas, 200 services",
    services: 200,
    partitions: 10_000_000,
    samples: 1,
    budgetS: 600,
    timeoutMs: 3_600_000,
    subjectTargets: { check: { wallMs: 10_000, text: "< 10 s" } },
  }),
];

/** `solve` of one auto-placed store over 25 candidate regions, against one `check` of the same topology. */
function solveScenario(replicas: number, roles = false): Scenario {
  // roles: every role (voters, read-only, witnesses) searched — the "9 replicas with roles".
  const params = { replicas, roles: roles ? 1 : 0 };
  return {
    id: `solve-${replicas}${roles ? "-roles" : ""}`,
    title: `solve: 25 candidate regions, ${replicas} replicas${roles ? " with roles" : ""}, 3 SLOs (vs one check)`,
    warmups: 1,
    samples: 5,
    budgetS: 120,
    timeoutMs: 300_000,
    ...(replicas === 5 ? { target: { wallMs: 2000, text: "< 2 s" } } : {}),
    async prepare() {
      return {
        subjects: [
          {
            id: "topoplan",
            label: "solve (search, full checks, binding constraints)",
            runner: { kind: "child", subject: "solve", params },
          },
          {
            id: "check",
            label: "one runCheck of the same topology",
            runner: { kind: "child", subject: "solve-check", params },
          },
        ],
      };
    },
  };
}

/**
 * A TypeScript spec that imports "topoplan" as a user project does (node_modules/topoplan → this
 * checkout, resolved through the package's `exports`), beside the same topology as YAML: the
 * root entry must stay light (defineTopology and types only), issue #13.
 */
const coldTsScenario: Scenario = {
  id: "cold-start-ts",
  title: 'cold start: `topoplan check` of a TS spec importing "topoplan" vs the same spec as YAML',
  warmups: 2,
  samples: 10,
  budgetS: 60,
  timeoutMs: 60_000,
  target: { ratio: 1.5, text: "≤ 1.5× the YAML cold start" },
  async prepare() {
    const root = repoRoot();
    if (!existsSync(join(root, "dist/src/index.js")))
      return { skipped: "skipped: dist/src/index.js not found (run npm run build)" };
    const { projectFiles } = await import("../src/init/templates.js");
    const { loadSpec } = await import("../src/spec/load/index.js");
    const { stringify } = await import("yaml");
    const project = scratchFile("ts-spec-project");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    const link = join(project, "node_modules/topoplan");
    if (!existsSync(link)) symlinkSync(root, link, "dir");
    const files = projectFiles({
      name: "bench",
      module: "esm",
      topoplan: { version: "0.0.0", dependencies: {}, devDependencies: {} },
    });
    for (const [file, text] of files)
      if (file === "topology.ts" || file === "package.json") writeFileSync(join(project, file), text);
    const spec = await loadSpec(join(project, "topology.ts"));
    writeFileSync(join(project, "topology.yaml"), stringify(spec.data));
    const bin = join(root, "bin/topoplan.js");
    const command = (file: string): Runner => ({
      kind: "command",
      nodeArgs: [bin, "check", file],
      cwd: project,
      okExitCodes: [0, 1],
    });
    return {
      note: "the project scaffolded by topoplan init; its topology.ts, and the same data as topology.yaml",
      subjects: [
        { id: "ts", label: "topoplan check topology.ts (imports topoplan)", runner: command("topology.ts") },
        { id: "yaml", label: "topoplan check topology.yaml", runner: command("topology.yaml") },
      ],
    };
  },
};

export const SCENARIOS: readonly Scenario[] = [
  ...CHECK_SIZES.map(checkScenario),
  ...COMMAND_SCENARIOS,
  renderScenario,
  pulumiScenario,
  coldScenario,
  coldTsScenario,
  solveScenario(5),
  solveScenario(9),
  solveScenario(9, true),
];
