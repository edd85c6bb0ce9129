import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackSettings } from "../../src/pulumi/config.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const files = readdirSync(`${root}stacks`).sort();
const configs = files.filter((f) => /^Pulumi\..+\.yaml$/.test(f));
const topologies = files.filter(
  (f) => !configs.includes(f) && [".ts", ".yaml", ".yml", ".json"].includes(extname(f)),
);
const stackName = (config: string) => config.slice("Pulumi.".length, -".yaml".length);

describe("stacks/Pulumi.<stack>.yaml", () => {
  it("exist for every example topology, and only for those", () => {
    expect(configs.map(stackName).sort()).toEqual(topologies.map((f) => basename(f, extname(f))).sort());
    expect(configs.length).toBeGreaterThanOrEqual(3);
  });

  for (const config of configs) {
    describe(config, () => {
      const document = parse(readFileSync(`${root}stacks/${config}`, "utf8")) as {
        config: Record<string, unknown>;
      };

      it("holds only topoplan:* settings and pulumi:disable-default-providers", () => {
        expect(Object.keys(document)).toEqual(["config"]);
        const keys = Object.keys(document.config);
        // Explicit providers ignore aws:* / kubernetes:* config, so such keys would silently do nothing.
        expect(
          keys.filter((k) => !k.startsWith("topoplan:") && k !== "pulumi:disable-default-providers"),
        ).toEqual([]);
        expect(document.config["pulumi:disable-default-providers"]).toEqual(["*"]);
      });

      it("parses as stack settings and names its own, existing topology", () => {
        const raw = Object.fromEntries(
          Object.entries(document.config)
            .filter(([k]) => k.startsWith("topoplan:"))
            .map(([k, v]) => [k.slice("topoplan:".length), v]),
        );
        const settings = parseStackSettings(raw);
        expect(existsSync(`${root}${settings.topology}`), settings.topology).toBe(true);
        expect(settings.topology).toBe(
          topologies.map((f) => `stacks/${f}`).find((f) => basename(f, extname(f)) === stackName(config)),
        );
        expect(Object.keys(settings.clusters).length).toBeGreaterThan(0);
        for (const [region, cluster] of Object.entries(settings.clusters)) {
          expect(cluster.context ?? cluster.kubeconfig, region).toBeTruthy();
        }
      });
    });
  }
});
