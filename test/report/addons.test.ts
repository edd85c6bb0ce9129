import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  CLUSTER_ADDONS,
  HELM_RELEASE_SETTINGS,
  requiredAddons,
} from "../../src/compile/prerequisites/index.js";
import { addonsData, formatAddons, helmInstallCommand, helmSetFlags } from "../../src/report/addons.js";

/** The words /bin/sh makes of a command line (printf prints each on its own line). */
function shellWords(line: string): string[] {
  return execFileSync("sh", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" })
    .split("\n")
    .slice(0, -1);
}

describe("helm commands for the add-ons", () => {
  it("gives each value as one flag, typed: --set for booleans and numbers, --set-string, --set-json", () => {
    expect(helmSetFlags({ a: { b: true, n: 3 }, s: "ALL", list: ["x", "y"] })).toEqual([
      "--set a.b=true",
      "--set a.n=3",
      "--set-string s=ALL",
      `--set-json 'list=["x","y"]'`,
    ]);
  });

  it("escapes dots in keys and commas in values as Helm reads them, and quotes for the shell", () => {
    const [flag] = helmSetFlags({ "kubernetes.io/role": "a,b c'd" });
    expect(shellWords(flag!)).toEqual(["--set-string", "kubernetes\\.io/role=a\\,b c'd"]);
  });

  it("installs each pinned chart with its values, atomically, as the Pulumi release does", () => {
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

  it("puts the values and the command in `plan`'s JSON and the values in its text", () => {
    const rule = {
      type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
      name: "eu-west-1/shop/PrometheusRule/api",
      provider: "kubernetes" as const,
      region: "eu-west-1",
      component: "api",
      inputs: { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" },
    };
    const required = requiredAddons([rule]);
    const [data] = addonsData(required);
    expect(data!.helm[0]!.values).toEqual(CLUSTER_ADDONS["prometheus-operator"].charts[0]!.values);
    expect(data!.helm[0]!.command).toBe(
      helmInstallCommand(CLUSTER_ADDONS["prometheus-operator"].charts[0]!, "monitoring"),
    );
    expect(formatAddons(required).replace(/\s+/g, " ")).toContain(
      "values --set prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues=false",
    );
  });
});
