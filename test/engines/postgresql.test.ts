// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { describe, expect, test } from "vitest";
import { compilePlan } from "../../src/compile/index.js";
import { postgresSettings } from "../../src/engines/postgresql-settings.js";
import { build } from "../analysis/helpers.js";
import { crdSchema, loadCrd } from "./crd.js";

const model = build({
  name: "shop",
  users: { "us-east-1": 1 },
  datastores: {
    orders: {
      replication: "primary-replica",
      sync: "semi-sync",
      replicas: 3,
      placement: { "us-east-1": 2, "us-west-2": 1 },
      leader: "us-east-1",
      deploy: { target: "kubernetes", engine: "postgresql", storageGi: 50 },
    },
  },
});
const clusters = compilePlan(model).resources.filter(
  (r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster",
);
const spec = (region: string) =>
  (clusters.find((c) => c.region === region)!.inputs as { spec: Record<string, any> }).spec;

describe("PostgreSQL engine (CloudNativePG)", () => {
  test("a Cluster per region, protected, valid against the CloudNativePG CRD", () => {
    expect(clusters.map((c) => c.name)).toEqual([
      "us-east-1/shop/Cluster/orders-us-east-1",
      "us-west-2/shop/Cluster/orders-us-west-2",
    ]);
    const validate = crdSchema("cnpg-cluster.crd.yaml", "v1");
    for (const c of clusters) {
      expect(validate(c.inputs), JSON.stringify(validate.errors)).toBe(true);
      expect(c.options?.protect).toBe(true);
    }
    // The CRD check is live.
    expect(validate({ ...clusters[0]!.inputs, spec: { ...spec("us-east-1"), instances: "two" } })).toBe(
      false,
    );
  });

  test("sets no parameter the operator's webhook refuses", () => {
    // CloudNativePG's FixedConfigurationParameters (pkg/postgres/configuration.go): the
    // webhook refuses any of them under spec.postgresql.parameters ("Can't set fixed configuration
    // parameter"), and the whole Cluster with it.
    const fixed = new Set(
      `
      allow_system_table_mods archive_mode bonjour bonjour_name cluster_name config_file
      data_directory data_sync_retry event_source external_pid_file hba_file hot_standby
      ident_file jit_provider listen_addresses logging_collector port primary_conninfo
      primary_slot_name recovery_target recovery_target_action recovery_target_inclusive
      recovery_target_lsn recovery_target_name recovery_target_time recovery_target_timeline
      recovery_target_xid restore_command shared_preload_libraries temp_tablespaces
      unix_socket_directories unix_socket_group unix_socket_permissions
      archive_cleanup_command archive_command log_destination log_directory log_file_mode
      log_filename log_rotation_age log_rotation_size log_truncate_on_rotation
      promote_trigger_file recovery_end_command recovery_min_apply_delay restart_after_crash
      ssl ssl_ca_file ssl_cert_file ssl_crl_file ssl_dh_params_file ssl_ecdh_curve
      ssl_key_file ssl_passphrase_command ssl_passphrase_command_supports_reload
      ssl_prefer_server_ciphers stats_temp_directory synchronous_standby_names
      synchronized_standby_slots syslog_facility syslog_ident syslog_sequence_numbers
      syslog_split_messages
      `
        .trim()
        .split(/\s+/),
    );
    for (const region of ["us-east-1", "us-west-2"]) {
      const parameters = Object.keys(spec(region).postgresql.parameters ?? {});
      expect(parameters.length).toBeGreaterThan(0);
      expect(parameters.filter((p) => fixed.has(p))).toEqual([]);
    }
  });

  test("semi-sync: the primary's cluster waits for one of its standbys; the other region is a replica cluster", () => {
    expect(spec("us-east-1").instances).toBe(2);
    expect((spec("us-east-1").postgresql as Record<string, unknown>).synchronous).toEqual({
      method: "any",
      number: 1,
      dataDurability: "required",
    });
    expect(spec("us-west-2").instances).toBe(1);
    expect(spec("us-west-2").replica).toEqual({ enabled: true, source: "orders-us-east-1" });
    expect(spec("us-west-2").bootstrap).toEqual({ pg_basebackup: { source: "orders-us-east-1" } });
    expect(
      (spec("us-west-2").externalClusters as { connectionParameters: { host: string } }[])[0]
        ?.connectionParameters.host,
    ).toBe("orders-us-east-1-rw.shop.svc.clusterset.local");
  });

  test("instances spread over the region's zones, holding out for a zone with no node yet (minDomains)", () => {
    expect(spec("us-east-1").topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "cnpg.io/cluster": "orders-us-east-1" } },
        minDomains: 2,
      },
    ]);
    // One instance: nothing to spread.
    expect(spec("us-west-2").topologySpreadConstraints[0].minDomains).toBeUndefined();
  });

  test("the primary's server certificate names the clusterset host the replica clusters verify (verify-full)", () => {
    const replicaHosts = clusters
      .map((c) => (c.inputs as { spec: Record<string, any> }).spec)
      .filter((s) => s.replica?.enabled === true)
      .map((s) => ({
        sslmode: s.externalClusters[0].connectionParameters.sslmode,
        host: s.externalClusters[0].connectionParameters.host,
      }));
    expect(replicaHosts).toEqual([
      { sslmode: "verify-full", host: "orders-us-east-1-rw.shop.svc.clusterset.local" },
    ]);
    // CloudNativePG's own names end at the cluster domain; the clusterset name must be added.
    expect(spec("us-east-1").certificates).toEqual({ serverAltDNSNames: replicaHosts.map((r) => r.host) });
    expect(spec("us-west-2").certificates).toBeUndefined();
    // Unknown fields fail here (the API server would prune them silently).
    const crd = loadCrd("cnpg-cluster.crd.yaml", "v1");
    for (const c of clusters) expect(crd.errors(c.inputs), c.name).toEqual([]);
    // One region: no replica cluster, no extra name.
    const single = compilePlan(
      build({
        name: "shop",
        users: { "us-east-1": 1 },
        datastores: {
          orders: {
            replication: "primary-replica",
            sync: "async",
            replicas: 2,
            placement: { "us-east-1": 2 },
            leader: "us-east-1",
            deploy: { target: "kubernetes", engine: "postgresql" },
          },
        },
      }),
    ).resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster")!;
    expect((single.inputs as { spec: Record<string, unknown> }).spec.certificates).toBeUndefined();
  });

  test("settings: the primary first, sync counts from the declared mode", () => {
    const store = model.datastores[0]!;
    const s = postgresSettings(store);
    expect(s.members.map((m) => `${m.name}:${m.role}`)).toEqual([
      "orders-us-east-1-0:primary",
      "orders-us-east-1-1:replica",
      "orders-us-west-2-0:replica",
    ]);
    expect(s.synchronousStandbys).toBe(1);
    expect(postgresSettings({ ...store, sync: "async" }).synchronousStandbys).toBe(0);
  });

  test("the operator's pods get a PodMonitor on their metrics port and operator access through the policies", () => {
    const plan = compilePlan(model).resources;
    const monitor = plan.find(
      (r) => r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor" && r.region === "us-east-1",
    );
    expect(
      (monitor!.inputs as { spec: { podMetricsEndpoints: { port: string }[] } }).spec.podMetricsEndpoints[0]
        ?.port,
    ).toBe("metrics");
    expect(plan.some((r) => r.name === "us-east-1/shop/NetworkPolicy/orders-cnpg-operator")).toBe(true);
    // No generic StatefulSet beside the operator's pods.
    expect(plan.some((r) => r.type === "kubernetes:apps/v1:StatefulSet")).toBe(false);
  });

  test("every instance reaches the API server under the default deny; only the primary region exports its -rw Service", () => {
    const plan = compilePlan(model).resources;
    for (const region of ["us-east-1", "us-west-2"]) {
      const api = plan.find((r) => r.name === `${region}/shop/NetworkPolicy/orders-cnpg-api`);
      expect(api?.inputs).toMatchObject({
        spec: {
          podSelector: { matchLabels: { "app.kubernetes.io/name": "orders" } },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } }],
              ports: [
                { protocol: "TCP", port: 443 },
                { protocol: "TCP", port: 6443 },
              ],
            },
          ],
        },
      });
    }
    const exports = plan.filter((r) => r.type === "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport");
    expect(exports.map((r) => r.name)).toEqual(["us-east-1/shop/ServiceExport/orders-us-east-1-rw"]);
  });

  test("one region, called from another: the -rw Service exported and its port PERMISSIVE for the caller's plaintext", () => {
    const called = (callerRegion: string) =>
      compilePlan(
        build({
          name: "shop",
          users: { "us-east-1": 1 },
          datastores: {
            orders: {
              replication: "primary-replica",
              replicas: 2,
              placement: { "us-east-1": 2 },
              leader: "us-east-1",
              deploy: { target: "kubernetes", engine: "postgresql", storageGi: 50 },
            },
          },
          services: {
            api: {
              regions: [callerRegion],
              calls: [{ to: "orders", op: "write", timeoutMs: 500 }],
              deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", port: 8080 },
            },
          },
        } as never),
      ).resources;
    const exported = (plan: ReturnType<typeof called>) =>
      plan
        .filter((r) => r.type === "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport")
        .map((r) => r.name);
    const permissive = (plan: ReturnType<typeof called>) =>
      Object.keys(
        (
          plan.find(
            (r) =>
              r.type === "kubernetes:security.istio.io/v1beta1:PeerAuthentication" &&
              r.component === "orders",
          )!.inputs as { spec: { portLevelMtls: object } }
        ).spec.portLevelMtls,
      );
    // The caller dials orders-us-east-1-rw.shop.svc.clusterset.local (clientEndpoint): it must exist.
    const away = called("eu-west-1");
    expect(exported(away)).toEqual(["us-east-1/shop/ServiceExport/orders-us-east-1-rw"]);
    expect(permissive(away)).toContain("5432");
    const home = called("us-east-1");
    expect(exported(home)).toEqual([]);
    expect(permissive(home)).not.toContain("5432");
  });

  test("a replica region's rules alert on lag, not on a primary its cluster never has", () => {
    const withSlo = build({
      name: "shop",
      users: { "us-east-1": 1 },
      datastores: {
        orders: {
          replication: "primary-replica",
          replicas: 3,
          placement: { "us-east-1": 2, "us-west-2": 1 },
          leader: "us-east-1",
          slo: { availability: 0.999, replicationLagMs: 5000 },
          deploy: { target: "kubernetes", engine: "postgresql" },
        },
      },
    });
    const rules = (region: string) => {
      const rule = compilePlan(withSlo).resources.find(
        (r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule" && r.region === region,
      )!;
      return (rule.inputs as any).spec.groups.flatMap((g: any) => g.rules) as Record<string, string>[];
    };
    const names = (region: string) => rules(region).map((r) => r.alert ?? r.record ?? "");
    // Every instance of a replica cluster is in recovery: no "no leader" page, no availability burn.
    expect(names("us-west-2")).not.toContain("TopoplanNoLeader");
    expect(names("us-west-2").some((n) => /ErrorBudgetBurn|sli_error/.test(n))).toBe(false);
    expect(names("us-west-2")).toContain("TopoplanReplicationLagAboveSLO");
    expect(names("us-east-1")).toEqual(
      expect.arrayContaining([
        "TopoplanNoLeader",
        "TopoplanErrorBudgetBurnPage",
        "TopoplanReplicationLagAboveSLO",
      ]),
    );
  });
});
