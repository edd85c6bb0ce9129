import { describe, expect, it } from "vitest";
import { buildCatalog, isAllowedIn, jurisdictionOf } from "../../src/catalog/catalog.js";
import { AWS_RTT_MS } from "../../src/catalog/data/aws-rtt.generated.js";
import { validateTopology } from "../../src/spec/validate.js";

const site = {
  name: "Frankfurt DC",
  country: "DE",
  zones: ["fra-a", "fra-b"],
  rttMs: { "eu-central-1": 1.5, "eu-west-1": 24 },
};

describe("catalog", () => {
  it("ships the AWS regions with measured RTTs, symmetric look-ups and no self RTT", () => {
    const catalog = buildCatalog();
    expect(catalog.regions.get("eu-west-1")).toMatchObject({
      country: "IE",
      jurisdiction: "EU",
      custom: false,
    });
    expect(catalog.rttMs("eu-west-1", "us-east-1")).toBe(AWS_RTT_MS["eu-west-1"]?.["us-east-1"]);
    expect(catalog.rttMs("nowhere-1", "eu-west-1")).toBeUndefined();
  });

  it("custom regions extend the catalog, with jurisdiction derived from the country", () => {
    const catalog = buildCatalog({ regions: { "fra-dc": site } });
    expect(catalog.regions.get("fra-dc")).toMatchObject({
      code: "fra-dc",
      name: "Frankfurt DC",
      country: "DE",
      jurisdiction: "EU",
      zones: ["fra-a", "fra-b"],
      custom: true,
      geoGroup: "Custom",
    });
    expect(catalog.regions.size).toBe(buildCatalog().regions.size + 1);
    expect(catalog.rttMs("fra-dc", "eu-central-1")).toBe(1.5);
    expect(catalog.rttMs("eu-central-1", "fra-dc")).toBe(1.5);
    expect(catalog.rttMs("fra-dc", "us-east-1")).toBeUndefined();
  });

  it("an explicit jurisdiction and egress price on a custom site win over the derived ones", () => {
    const catalog = buildCatalog({
      regions: { "zrh-dc": { ...site, country: "CH", jurisdiction: "CH", egressUsdPerGb: 0.01 } },
    });
    expect(catalog.regions.get("zrh-dc")).toMatchObject({ jurisdiction: "CH", egressUsdPerGb: 0.01 });
  });

  it("link rttMs overrides win over custom-site and measured RTTs", () => {
    const catalog = buildCatalog({
      regions: { "fra-dc": site },
      network: {
        links: [
          { between: ["eu-central-1", "fra-dc"], rttMs: 3 },
          { between: ["us-east-1", "eu-west-1"], rttMs: 99 },
          { between: ["eu-west-1", "eu-north-1"], bandwidthMbps: 100 },
        ],
      },
    });
    expect(catalog.rttMs("fra-dc", "eu-central-1")).toBe(3);
    expect(catalog.rttMs("eu-west-1", "us-east-1")).toBe(99);
    // A link without rttMs leaves the measured figure alone.
    expect(catalog.rttMs("eu-west-1", "eu-north-1")).toBe(AWS_RTT_MS["eu-west-1"]?.["eu-north-1"]);
  });

  it("jurisdictionOf: EU member states are EU, everything else its own country", () => {
    expect(["DE", "IE", "FR", "SE", "PL"].map(jurisdictionOf)).toEqual(["EU", "EU", "EU", "EU", "EU"]);
    expect(["GB", "CH", "NO", "US", "JP"].map(jurisdictionOf)).toEqual(["GB", "CH", "NO", "US", "JP"]);
  });

  it("isAllowedIn accepts a jurisdiction or a country code", () => {
    const catalog = buildCatalog();
    const frankfurt = catalog.regions.get("eu-central-1")!;
    const london = catalog.regions.get("eu-west-2")!;
    expect(isAllowedIn(frankfurt, ["EU"])).toBe(true);
    expect(isAllowedIn(frankfurt, ["DE"])).toBe(true);
    expect(isAllowedIn(frankfurt, ["FR"])).toBe(false);
    expect(isAllowedIn(london, ["EU"])).toBe(false);
    expect(isAllowedIn(london, ["EU", "GB"])).toBe(true);
  });
});

describe("spec/unknown-rtt", () => {
  const spec = (rttMs: Record<string, number>) => ({
    name: "hybrid",
    regions: { "fra-dc": { ...site, rttMs } },
    datastores: {
      db: {
        replication: "consensus",
        replicas: 3,
        placement: { "fra-dc": 1, "eu-central-1": 1, "eu-west-1": 1 },
      },
    },
  });

  it("a custom site without an RTT to a region the topology uses is an error naming the pair", () => {
    const result = validateTopology(spec({ "eu-central-1": 1.5 }));
    expect(result.diagnostics.map((d) => [d.code, d.path, d.message, d.fix])).toEqual([
      [
        "spec/unknown-rtt",
        "regions.fra-dc.rttMs",
        "no round-trip time is known between eu-west-1 and fra-dc",
        'add regions["fra-dc"].rttMs["eu-west-1"] (ms), or a network.links entry with rttMs',
      ],
    ]);
  });

  it("a link rttMs fills the gap", () => {
    const withLink = {
      ...spec({ "eu-central-1": 1.5 }),
      network: { links: [{ between: ["fra-dc", "eu-west-1"], rttMs: 25 }] },
    };
    expect(validateTopology(withLink).ok).toBe(true);
  });

  it("regions a site merely lists RTTs to are not required to reach each other", () => {
    const twoSites = {
      name: "hybrid",
      regions: {
        "fra-dc": { ...site, rttMs: { "eu-central-1": 1.5, "us-east-1": 90 } },
        "dub-dc": { ...site, country: "IE", rttMs: { "eu-west-1": 1, "fra-dc": 24 } },
      },
      datastores: {
        db: { replication: "consensus", replicas: 3, placement: { "fra-dc": 2, "dub-dc": 1 } },
      },
    };
    // us-east-1 and eu-west-1 appear only in the sites' own RTT lists, not in any component.
    expect(validateTopology(twoSites).diagnostics).toEqual([]);
  });

  it("two custom sites in use need an RTT between them", () => {
    const twoSites = {
      name: "hybrid",
      regions: {
        "fra-dc": { ...site, rttMs: { "eu-central-1": 1.5 } },
        "dub-dc": { ...site, country: "IE", rttMs: { "eu-central-1": 24 } },
      },
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          placement: { "fra-dc": 1, "dub-dc": 1, "eu-central-1": 1 },
        },
      },
    };
    expect(validateTopology(twoSites).diagnostics.map((d) => d.message)).toEqual([
      "no round-trip time is known between dub-dc and fra-dc",
    ]);
  });
});
