import { ENGINE_IMAGES } from "../engines/ids.js";
import type { PackageInfo } from "./package-info.js";
import { pullRequestWorkflow } from "./workflow.js";

/**
 * The files `topoplan init` writes, as data (pure: the command does the I/O). One project layout
 * for ES modules (the default) and CommonJS; only package.json and index.ts differ.
 */
export type ModuleKind = "esm" | "commonjs";

export interface InitOptions {
  /** npm / Pulumi project name (already checked by the command). */
  readonly name: string;
  readonly module: ModuleKind;
  readonly topoplan: Omit<PackageInfo, "dir">;
  /** What npm installs topoplan from (`--from`): @default `^<version>`, from the npm registry. */
  readonly topoplanSpec?: string;
  /**
   * The project's folder from the root of the git repository it is in (`infra`), when it is not
   * the root: the workflow then goes to the root's `.github/workflows` (src/init/workflow.ts).
   */
  readonly folder?: string;
}

/** Relative path → contents, in the order they are listed to the user. */
export type ProjectFiles = ReadonlyArray<readonly [path: string, contents: string]>;

/**
 * Pulumi's local state folder (Pulumi.yaml `backend.url`). Pulumi's file backend does not create
 * it (pulumi/pulumi#15841: "unable to open bucket"), so init does, and the README says so for a
 * fresh clone, where it is missing (git-ignored).
 */
export const PULUMI_STATE_DIR = ".pulumi-state";

/** Names npm and Pulumi both accept: lowercase letters, digits, "-", "_", "."; 1–100 characters. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function packageJson(options: InitOptions): string {
  const { dependencies, devDependencies, version } = options.topoplan;
  const range = (name: string, from: Readonly<Record<string, string>>) => from[name] ?? "*";
  return json({
    name: options.name,
    version: "0.0.0",
    private: true,
    ...(options.module === "esm" ? { type: "module" } : {}),
    scripts: {
      check: "topoplan check topology.ts",
      plan: "topoplan plan topology.ts",
      render: "topoplan render topology.ts --out rendered",
      typecheck: "tsc --noEmit",
    },
    // Pulumi's language host loads @pulumi/pulumi from the project; the same range as topoplan's
    // keeps a single copy. tsx runs the TypeScript program (Pulumi.yaml `nodeargs`).
    dependencies: {
      "@pulumi/pulumi": range("@pulumi/pulumi", dependencies),
      topoplan: options.topoplanSpec ?? `^${version}`,
      tsx: range("tsx", dependencies),
    },
    devDependencies: {
      "@types/node": range("@types/node", devDependencies),
      typescript: range("typescript", dependencies),
    },
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ["*.ts"],
});

const TOPOLOGY = `import { defineTopology } from "topoplan";

/**
 * Your topology. \`npx topoplan check topology.ts\` validates and analyses it; \`npx topoplan plan
 * topology.ts\` shows what it would create. Reference: the topoplan README and docs/ in
 * node_modules/topoplan.
 */
export default defineTopology({
  name: "my-topology",
  users: { "eu-west-1": 1 },
  datastores: {
    config: {
      replication: "consensus",
      consistency: "strong",
      partitions: { count: 1 },
      replicas: 3,
      placement: { "eu-west-1": 3 },
      survive: "zone",
      traffic: { readsPerSec: 2_000, writesPerSec: 200, itemBytes: 1024 },
      slo: { availability: 0.999, readP99Ms: 20, writeP99Ms: 50 },
      // A weekly partition experiment (Chaos Mesh) checks that the quorum survives a zone loss.
      chaos: { enabled: true, schedule: "0 3 * * 2" },
      deploy: { target: "kubernetes", engine: "etcd", image: "${ENGINE_IMAGES.etcd.image}", storageGi: 20 },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1"],
      replicasPerRegion: 3,
      calls: [{ to: "config", timeoutMs: 250, perTryTimeoutMs: 60, retries: 2, backoff: { baseMs: 20, jitter: true } }],
      slo: { availability: 0.999, latencyP99Ms: 300 },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
    },
  },
});
`;

const INDEX_ESM = `import { deploy } from "topoplan/pulumi";

// The Pulumi program (Pulumi.yaml). deploy() reads the stack's topoplan:* config, checks the
// topology and stops before creating anything on an error-level finding, then registers one
// component per datastore, service and stream. The stack output lists the endpoints.
export default () => deploy({ topology: "topology.ts" });
`;

const INDEX_COMMONJS = `// The Pulumi program (Pulumi.yaml). topoplan is an ES module: a CommonJS program loads it with
// import(). deploy() reads the stack's topoplan:* config, checks the topology and stops before
// creating anything on an error-level finding, then registers one component per datastore,
// service and stream.
export = async () => {
  const { deploy } = await import("topoplan/pulumi");
  return deploy({ topology: "topology.ts" });
};
`;

function pulumiYaml(name: string): string {
  return `# Pulumi project file: https://www.pulumi.com/docs/iac/concepts/projects/project-file/
name: ${name}
description: A topology planned and checked by topoplan, deployed with Pulumi.
runtime:
  name: nodejs
  options:
    # TypeScript run by tsx (no ts-node, ES modules and CommonJS alike): Pulumi's "Native ESM"
    # setup, turning off its built-in ts-node and passing the loader to node.
    typescript: false
    nodeargs: "--import tsx"
    packagemanager: npm
# State on this machine, in ./${PULUMI_STATE_DIR} (git-ignored; mkdir -p ${PULUMI_STATE_DIR} in a fresh
# clone: Pulumi does not create it); PULUMI_BACKEND_URL overrides it (https://api.pulumi.com,
# s3://bucket/prefix). Run pulumi from this folder.
backend:
  url: file://./${PULUMI_STATE_DIR}
`;
}

const STACK_DEV = `# Stack "dev": pulumi stack init dev. Every topoplan setting: node_modules/topoplan/docs/deploy.md
config:
  topoplan:topology: topology.ts
  # error (default) | warning | info: the lowest finding severity that stops the deployment.
  topoplan:failOn: error
  # One Kubernetes cluster per region: a kubeconfig context and/or kubeconfig path.
  topoplan:clusters:
    eu-west-1:
      context: kind-eu-west-1
  # Install the cluster add-ons the plan needs (Prometheus Operator, Istio, ...) as pinned Helm
  # releases; false (default): only check they are there (topoplan plan lists them).
  # topoplan:installAddons: true
  # Nodes without topology.kubernetes.io/zone labels (kind, minikube): prefer zone spreading
  # instead of requiring it. Never in production: a zone loss could then take a quorum.
  topoplan:zoneLabels: preferred
  # Email or HTTPS endpoints subscribed to the alarm topics topoplan creates (AWS components).
  # topoplan:alarmSubscriptions: [{ protocol: email, endpoint: oncall@example.com }]
  # Every resource uses topoplan's per-region providers.
  pulumi:disable-default-providers: ["*"]
`;

const GITIGNORE = `node_modules/
${PULUMI_STATE_DIR}/
rendered/
topoplan-out/
.topoplan-base/
`;

function readme(name: string, workflowPath: string, folder: string | undefined): string {
  return `# ${name}

A topology planned with [topoplan](https://www.npmjs.com/package/topoplan) and deployed with Pulumi.

\`\`\`sh
npm install
npx topoplan check topology.ts      # validate, analyse, policies (exit 1 on an error-level finding)
npx topoplan plan topology.ts       # placement, latency, availability, cost, cluster add-ons, resources
npx topoplan render topology.ts --out rendered   # the compiled manifests, for review
npm run typecheck                   # the topology and the Pulumi program, with tsc
\`\`\`

Deploying (Pulumi CLI, a kubeconfig context per region in \`Pulumi.dev.yaml\`; step by step with the
prerequisites: \`node_modules/topoplan/docs/deploy.md\`):

\`\`\`sh
export PULUMI_CONFIG_PASSPHRASE=...  # encrypts the local state's secrets
mkdir -p ${PULUMI_STATE_DIR}               # the local state's folder: Pulumi does not create it
pulumi stack init dev                # uses Pulumi.dev.yaml
pulumi preview
pulumi up
\`\`\`

Pull requests run \`${workflowPath}\`${folder === undefined ? "" : ` (at the repository's root; it runs in \`${folder}/\`)`}:
the check as annotations and a comment, and the diff against the base branch (a destructive
change fails it).
`;
}

/** Every file of a new project, in the order they are reported. */
export function projectFiles(options: InitOptions): ProjectFiles {
  const workflow = pullRequestWorkflow(options.folder);
  const toRoot = options.folder === undefined ? "" : options.folder.replace(/[^/]+/g, "..").concat("/");
  return [
    ["package.json", packageJson(options)],
    ["tsconfig.json", TSCONFIG],
    ["topology.ts", TOPOLOGY],
    ["index.ts", options.module === "esm" ? INDEX_ESM : INDEX_COMMONJS],
    ["Pulumi.yaml", pulumiYaml(options.name)],
    ["Pulumi.dev.yaml", STACK_DEV],
    [`${toRoot}${workflow.path}`, workflow.contents],
    [".gitignore", GITIGNORE],
    ["README.md", readme(options.name, workflow.path, options.folder)],
  ];
}
