// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * The NetworkPolicies, the mesh and the monitors must agree on where a component is reached.
 * These tests read the whole compiled plan back, independent of how the compilers built it, for
 * every example stack and the engine fixture:
 *
 * - the monitoring namespace is admitted on exactly the port each monitor scrapes, and that port
 *   accepts plaintext under STRICT mTLS unless the Istio sidecar serves it (15090, never
 *   intercepted);
 * - every mesh host is a Service the plan or its operator creates, on a port it serves;
 * - every Job runs without a sidecar, and the port it dials accepts plaintext.
 */
import { describe, expect, test } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import type { Model } from "../../../src/model/types.js";
import { readStack } from "../../conformance/promtool/stacks.js";
import { ENGINE_SHOP, modelOf, SHOP } from "./helpers.js";

/**
 * Pod ports a PodMonitor names that no topoplan pod template declares: Istio's sidecar
 * (https://istio.io/latest/docs/ops/integrations/prometheus/) and the operators' pods
 * (Strimzi's `tcp-prometheus`, CloudNativePG's `metrics`).
 */
const OPERATOR_POD_PORTS: Readonly<Record<string, number>> = {
  "http-envoy-prom": 15090,
  "tcp-prometheus": 9404,
  metrics: 9187,
};

const models: { name: string; model: Model }[] = [
  { name: "SHOP fixture", model: modelOf(SHOP) },
  { name: "engine fixture", model: modelOf(ENGINE_SHOP) },
  ...(await readStack()),
];

const kind = (r: PlannedResource) => (r.inputs as any).kind as string;
const meta = (r: PlannedResource) => (r.inputs as any).metadata as { name: string; namespace?: string };

describe.each(models)("$name", ({ model }) => {
  const plan = compilePlan(model).resources.filter((r) => r.provider === "kubernetes");
  const find = (region: string, k: string, name: string, namespace?: string) =>
    plan.find(
      (r) =>
        r.region === region &&
        kind(r) === k &&
        meta(r).name === name &&
        (namespace === undefined || meta(r).namespace === namespace),
    );

  /** The container port a monitor scrapes, resolved from the plan. */
  function scrapedPort(monitor: PlannedResource): number {
    const m = monitor.inputs as any;
    const { namespace } = m.metadata;
    const component = m.spec.selector.matchLabels["app.kubernetes.io/name"];
    if (m.kind === "ServiceMonitor") {
      const name = m.spec.endpoints[0].port;
      const ports = plan
        .filter(
          (r) =>
            r.region === monitor.region &&
            kind(r) === "Service" &&
            meta(r).namespace === namespace &&
            (r.inputs as any).metadata.labels["app.kubernetes.io/name"] === component,
        )
        .flatMap((r) => (r.inputs as any).spec.ports as { name: string; port: number }[])
        .filter((p) => p.name === name);
      expect(ports.length, `${monitor.name}: no Service port ${name}`).toBeGreaterThan(0);
      return ports[0]!.port;
    }
    const name = m.spec.podMetricsEndpoints[0].port;
    const declared = plan
      .filter(
        (r) =>
          r.region === monitor.region &&
          (kind(r) === "StatefulSet" || kind(r) === "Deployment") &&
          (r.inputs as any).spec.template.metadata.labels["app.kubernetes.io/name"] === component,
      )
      .flatMap((r) => (r.inputs as any).spec.template.spec.containers.flatMap((c: any) => c.ports ?? []))
      .find((p: { name: string }) => p.name === name);
    const port = name === "http-envoy-prom" ? 15090 : (declared?.containerPort ?? OPERATOR_POD_PORTS[name]);
    expect(port, `${monitor.name}: pod port ${name}`).toBeDefined();
    return port as number;
  }

  test("monitoring is admitted on exactly the scraped port, which accepts plaintext unless the sidecar serves it", () => {
    const monitors = plan.filter((r) => kind(r) === "ServiceMonitor" || kind(r) === "PodMonitor");
    expect(monitors.length).toBeGreaterThan(0);
    for (const monitor of monitors) {
      const port = scrapedPort(monitor);
      const { namespace } = meta(monitor);
      const ingress = find(monitor.region, "NetworkPolicy", `${monitor.component}-ingress`, namespace);
      const fromMonitoring = ((ingress?.inputs as any)?.spec.ingress ?? [])
        .filter((rule: any) =>
          rule.from.some(
            (peer: any) =>
              peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "monitoring",
          ),
        )
        .flatMap((rule: any) => rule.ports.map((p: any) => p.port));
      expect(fromMonitoring, monitor.name).toEqual([port]);
      const mtls = find(monitor.region, "PeerAuthentication", `${monitor.component}-mtls`, namespace);
      const permissive = Object.keys((mtls?.inputs as any)?.spec.portLevelMtls ?? {});
      if (port === 15090) expect(permissive, monitor.name).not.toContain("15090");
      else expect(permissive, monitor.name).toContain(String(port));
    }
  });

  test("every mesh host is a Service the plan or its operator creates, and routes go to a port it serves", () => {
    /** Host → ports of every Service the clusters will hold (any region), and where each one is. */
    const services = new Map<string, number[]>();
    const regionsOf = new Map<string, Set<string>>();
    const componentOf = new Map<string, string>();
    const add = (region: string, namespace: string, name: string, component: string, ports: number[]) => {
      const host = `${name}.${namespace}.svc.cluster.local`;
      services.set(host, ports);
      regionsOf.set(host, (regionsOf.get(host) ?? new Set()).add(region));
      componentOf.set(host, component);
    };
    const exported = new Set<string>();
    const componentRegions = new Map<string, Set<string>>();
    for (const r of plan) {
      const m = r.inputs as any;
      // Where a component has pods (its workloads, or the operator resource that makes them).
      if (["Deployment", "StatefulSet", "Cluster", "Kafka"].includes(m.kind))
        componentRegions.set(r.component, (componentRegions.get(r.component) ?? new Set()).add(r.region));
      if (m.kind === "Service")
        add(
          r.region,
          m.metadata.namespace,
          m.metadata.name,
          r.component,
          m.spec.ports.map((p: any) => p.port),
        );
      if (m.kind === "ServiceExport")
        exported.add(`${m.metadata.name}.${m.metadata.namespace}.svc.clusterset.local`);
      // CloudNativePG: `<cluster>-rw` of a primary cluster (a replica cluster's is read-only).
      if (m.kind === "Cluster" && m.apiVersion === "postgresql.cnpg.io/v1" && m.spec.replica === undefined)
        add(r.region, m.metadata.namespace, `${m.metadata.name}-rw`, r.component, [5432]);
      // Strimzi: `<cluster>-kafka-bootstrap` on every listener's port.
      if (m.kind === "Kafka")
        add(
          r.region,
          m.metadata.namespace,
          `${m.metadata.name}-kafka-bootstrap`,
          r.component,
          m.spec.kafka.listeners.map((l: any) => l.port),
        );
    }
    // Hosts the caller's sidecars know beyond their cluster's Services: region, namespace, host, port.
    const entries = new Set(
      plan
        .filter((r) => kind(r) === "ServiceEntry")
        .flatMap((r) => {
          const m = r.inputs as any;
          return m.spec.hosts.flatMap((h: string) =>
            m.spec.ports.map((p: any) => `${r.region} ${m.metadata.namespace} ${h} ${p.number}`),
          );
        }),
    );
    /** The Service behind a host as the caller's region resolves it: its own cluster's, or an exported one. */
    const resolve = (host: string, region: string, what: string): number[] | undefined => {
      if (host.endsWith(".svc.clusterset.local")) {
        expect(exported, `${what}: ${host} is not exported`).toContain(host);
        // Each region's mesh knows only its cluster: a route or rule for another's host needs an entry.
        const [, namespace] = what.split("/");
        expect(
          [...entries].some((e) => e.startsWith(`${region} ${namespace} ${host} `)),
          `${what}: no ServiceEntry for ${host} in ${region}/${namespace}`,
        ).toBe(true);
        return services.get(host.replace(/\.svc\.clusterset\.local$/, ".svc.cluster.local"));
      }
      const ports = services.get(host);
      expect(ports, `${what}: no Service ${host}`).toBeDefined();
      // A cluster-local name resolves in the caller's own cluster only: a callee that runs only
      // elsewhere is dialled by its exported clusterset name (endpoints.ts), never by this one.
      expect([...(regionsOf.get(host) ?? [])], `${what}: ${host} does not exist in ${region}`).toContain(
        region,
      );
      return ports;
    };
    for (const r of plan.filter((x) => kind(x) === "DestinationRule"))
      resolve((r.inputs as any).spec.host, r.region, r.name);
    for (const r of plan.filter((x) => kind(x) === "VirtualService")) {
      const spec = (r.inputs as any).spec;
      const ports = resolve(spec.hosts[0], r.region, r.name);
      for (const route of spec.http)
        for (const { destination } of route.route) {
          expect(destination.host, r.name).toBe(spec.hosts[0]);
          expect(ports, r.name).toContain(destination.port.number);
        }
    }
  });

  test("every Job runs without an Istio sidecar, and the port it dials accepts plaintext", () => {
    for (const job of plan.filter((r) => kind(r) === "Job")) {
      const m = job.inputs as any;
      expect(m.spec.template.metadata.labels["sidecar.istio.io/inject"], job.name).toBe("false");
      // A rollout Job dials only the API server (rollout.ts), through its own policy.
      if (m.spec.template.metadata.labels["app.kubernetes.io/component"] === "rollout") {
        const api = find(job.region, "NetworkPolicy", `${m.metadata.name}-api`, m.metadata.namespace);
        expect((api?.inputs as any)?.spec.egress[0].ports, job.name).toEqual([
          { protocol: "TCP", port: 443 },
          { protocol: "TCP", port: 6443 },
        ]);
        continue;
      }
      const egress = find(job.region, "NetworkPolicy", `${m.metadata.name}-egress`, m.metadata.namespace);
      expect(egress, `${job.name}: no egress policy`).toBeDefined();
      const rule = (egress!.inputs as any).spec.egress[0];
      const target = rule.to[0].podSelector.matchLabels["app.kubernetes.io/name"];
      const mtls = find(job.region, "PeerAuthentication", `${target}-mtls`, m.metadata.namespace);
      for (const { port } of rule.ports)
        expect((mtls?.inputs as any)?.spec.portLevelMtls?.[String(port)], job.name).toEqual({
          mode: "PERMISSIVE",
        });
    }
  });
});

test("the models exercise what the checks above read: Jobs, operator Services, sidecar and operator scrapes", () => {
  const all = models.flatMap(({ model }) => compilePlan(model).resources.map((r) => r.inputs as any));
  const count = (predicate: (m: any) => boolean) => all.filter(predicate).length;
  expect(count((m) => m.kind === "Job")).toBeGreaterThan(0);
  expect(count((m) => m.kind === "Cluster" && m.apiVersion === "postgresql.cnpg.io/v1")).toBeGreaterThan(0);
  expect(count((m) => m.kind === "Kafka")).toBeGreaterThan(0);
  const podPorts = new Set(
    all.filter((m) => m.kind === "PodMonitor").map((m) => m.spec.podMetricsEndpoints[0].port as string),
  );
  expect([...podPorts].sort()).toEqual(["http-envoy-prom", "metrics", "tcp-prometheus"]);
});
