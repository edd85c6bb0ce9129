import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  ADDON_BY_API_VERSION,
  CLUSTER_ADDONS,
  HELM_RELEASE_SETTINGS,
  HELM_RELEASE_TYPE,
  requiredAddons,
  withPrerequisites,
} from "../../src/compile/prerequisites/index.js";
import { addonsData, formatAddons, helmInstallCommand, helmSetFlags } from "../../src/report/addons.js";

/** The words /bin/sh makes of a command line (printf prints each on its own line). */
function shellWords(line: string): string[] {
  return execFileSync("sh", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" })
    .split("\n")
    .slice(0, -1);
}

/** One resource that needs the Prometheus Operator. */
const RULE = {
  type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  name: "eu-west-1/shop/PrometheusRule/api",
  provider: "kubernetes" as const,
  region: "eu-west-1",
  component: "api",
  inputs: { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" },
};

describe("helm commands for the add-ons", () => {
  it("gives each value as one flag, typed as Helm reads it", () => {
    expect(
      helmSetFlags({
        a: { b: true, n: 3 },
        s: "ALL",
        half: 0.5,
        list: ["x", "y"],
        odd: "{a,b}",
        none: undefined,
      }),
    ).toEqual([
      "--set a.b=true",
      "--set a.n=3",
      "--set-string s=ALL",
      // --set would make 0.5 the string "0.5" and {a,b} a list: JSON says what is meant.
      "--set-json half=0.5",
      `--set-json 'list=["x","y"]'`,
      `--set-json 'odd="{a,b}"'`,
    ]);
  });

  it("escapes Helm's key separators and quotes each flag for the shell", () => {
    const [flag] = helmSetFlags({ "kubernetes.io/role[0]=x,y": "a b'c" });
    expect(shellWords(flag!)).toEqual(["--set-json", `kubernetes\\.io/role\\[0\\]\\=x\\,y="a b'c"`]);
  });

  it("installs every add-on's charts as the program's Helm releases do (topoplan:installAddons)", () => {
    // One resource per add-on, so the program plans every release of every add-on.
    const needs = [...new Map([...ADDON_BY_API_VERSION].map(([apiVersion, id]) => [id, apiVersion]))].map(
      ([id, apiVersion]) => ({ ...RULE, name: `eu-west-1/x/T/${id}`, inputs: { apiVersion, kind: "T" } }),
    );
    const releases = withPrerequisites(needs, { installAddons: true }).filter(
      (r) => r.type === HELM_RELEASE_TYPE,
    );
    const charts = Object.values(CLUSTER_ADDONS).flatMap((addon) =>
      addon.charts.map((chart) => ({ chart, namespace: addon.namespace })),
    );
    expect(releases.map((r) => r.inputs.name).sort()).toEqual(charts.map((c) => c.chart.release).sort());
    for (const release of releases) {
      const inputs = release.inputs as Record<string, unknown> & { repositoryOpts: { repo: string } };
      const { chart, namespace } = charts.find((c) => c.chart.release === inputs.name)!;
      const words = shellWords(helmInstallCommand(chart, namespace));
      const flagValue = (flag: string) => words[words.indexOf(flag) + 1];
      expect(words.slice(3, 5)).toEqual([inputs.name, inputs.chart]);
      expect([flagValue("--repo"), flagValue("--version"), flagValue("--namespace")]).toEqual([
        inputs.repositoryOpts.repo,
        inputs.version,
        inputs.namespace,
      ]);
      expect(words.includes("--atomic")).toBe(inputs.atomic);
      expect(flagValue("--timeout")).toBe(`${inputs.timeout}s`);
      // The values, read back from the flags as Helm would for these (plain keys and values).
      const values: Record<string, unknown> = {};
      words.forEach((word, i) => {
        if (!word.startsWith("--set")) return;
        const [path, text] = words[i + 1]!.split("=") as [string, string];
        const keys = path.split(".");
        let at = values;
        for (const key of keys.slice(0, -1)) {
          at[key] ??= {};
          at = at[key] as Record<string, unknown>;
        }
        at[keys.at(-1)!] = word === "--set-string" ? text : JSON.parse(text);
      });
      expect(values, String(inputs.name)).toEqual(inputs.values ?? {});
    }
  });

  it("gives kube-prometheus-stack the values that make it load every rule and monitor", () => {
    const prometheus = CLUSTER_ADDONS["prometheus-operator"];
    const command = helmInstallCommand(prometheus.charts[0]!, prometheus.namespace);
    const words = shellWords(command);
    expect(words.slice(0, 4)).toEqual(["helm", "upgrade", "--install", "kube-prometheus-stack"]);
    expect(command).toContain(`--repo https://prometheus-community.github.io/helm-charts --version 65.1.1`);
    expect(command).toContain("--namespace monitoring --create-namespace --atomic");
    expect(command).toContain(`--timeout ${HELM_RELEASE_SETTINGS.timeout}s`);
    // Without these Prometheus ignores rules and monitors not labelled for its own release.
    expect(command).toContain("--set prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false");
    expect(command).toContain("--set-string grafana.sidecar.dashboards.searchNamespace=ALL");
  });

  // helmInstallCommand is checked against every Helm release above: here, that the JSON carries it.
  it("puts the values and the command in `plan`'s JSON and the values in its text", () => {
    const required = requiredAddons([RULE]);
    const [data] = addonsData(required);
    expect(data!.helm[0]!.values).toEqual(CLUSTER_ADDONS["prometheus-operator"].charts[0]!.values);
    expect(data!.helm[0]!.command).toBe(
      helmInstallCommand(CLUSTER_ADDONS["prometheus-operator"].charts[0]!, "monitoring"),
    );
    expect(formatAddons(required).replace(/\s+/g, " ")).toContain(
      "values prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues=false,",
    );
  });
});
