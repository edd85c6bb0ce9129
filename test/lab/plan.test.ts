import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseFailures } from "../../src/analysis/index.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { etcd } from "../../src/engines/etcd.js";
import { startRelay } from "../../src/lab/agents/relay.js";
import { hubOf, linkReroutes, namespaceOf, networkCommands, relayConfig } from "../../src/lab/netns.js";
import { memberPorts, planSites, siteLayout } from "../../src/lab/sites.js";
import { Supervisor } from "../../src/lab/supervisor.js";
import { loadTopology } from "../../src/pipeline.js";

const fixture = (name: string) => `test/lab/fixtures/${name}`;

async function etcdPlan(file = "etcd-5.yaml") {
  const { model } = await loadTopology(fixture(file));
  const ds = model.datastores[0]!;
  const layout = siteLayout("/lab");
  const locals = etcd.local!(model, ds, layout.layout);
  return { model, plan: planSites(model, locals, layout, ["eu-west-1", "us-east-1"]) };
}

describe("lab sites", () => {
  it("puts members of one zone in one site, adds a client site per origin and an observer", async () => {
    const { plan } = await etcdPlan();
    const kinds = plan.sites.map((s) => `${s.kind}:${s.region}${s.zone ? `/${s.zone}` : ""}`);
    // etcd-5: 2 + 2 + 1 members; the engine rotates zones, so 5 member sites.
    expect(kinds.filter((k) => k.startsWith("members")).length).toBe(5);
    expect(kinds).toContain("client:eu-west-1");
    expect(kinds).toContain("client:us-east-1");
    expect(kinds.at(-1)).toBe("observer:observer");
    expect(new Set(plan.members.map((m) => m.address)).size).toBe(5);
  });

  it("delays are half the analysis's RTT: catalog between regions, cross-zone inside one", async () => {
    const { model, plan } = await etcdPlan();
    const site = (region: string, kind = "members") =>
      plan.sites.find((s) => s.region === region && s.kind === kind)!;
    const west = plan.members.filter((m) => m.site.region === "eu-west-1").map((m) => m.site);
    expect(plan.delayMs(site("eu-west-1"), site("us-east-1"))).toBe(
      model.catalog.rttMs("eu-west-1", "us-east-1")! / 2,
    );
    expect(plan.delayMs(west[0]!, west[1]!)).toBe(model.settings.crossZoneRttMs / 2);
    expect(plan.delayMs(site("eu-west-1", "client"), west[0]!)).toBe(model.settings.crossZoneRttMs / 2);
    expect(plan.delayMs(plan.observer, site("us-east-1"))).toBe(0);
  });
});

describe("lab network commands", () => {
  it("creates only the lab's namespaces and addresses only private lab ranges", async () => {
    const { plan } = await etcdPlan();
    const commands = networkCommands("tpl-1-1", plan);
    const namespaces = commands.filter((c) => c[1] === "netns" && c[2] === "add").map((c) => c[3]);
    expect(namespaces).toEqual([hubOf("tpl-1-1"), ...plan.sites.map((s) => namespaceOf("tpl-1-1", s))]);
    for (const c of commands) {
      // Every command targets a lab namespace: nothing runs in the caller's.
      const target = c[1] === "-n" ? c[2] : c[1] === "netns" ? c[3] : undefined;
      expect(target?.startsWith("tpl-1-1-")).toBe(true);
      const address = c.find((x) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(x));
      if (address !== undefined) expect(address).toMatch(/^10\.25[0-2]\./);
    }
  });

  it("moves the local table behind the relay rule in every site and routes each remote site over the bridge", async () => {
    const { plan } = await etcdPlan();
    const commands = networkCommands("tpl-1-1", plan).map((c) => c.join(" "));
    for (const site of plan.sites) {
      const ns = namespaceOf("tpl-1-1", site);
      expect(commands).toContain(`ip -n ${ns} rule add pref 1000 lookup local`);
      expect(commands).toContain(`ip -n ${ns} rule del pref 0`);
      expect(commands).toContain(`ip -n ${ns} rule add pref 10 from ${site.transport} lookup 100`);
      for (const other of new Set(plan.members.map((m) => m.site)))
        if (other !== site)
          expect(commands).toContain(
            `ip -n ${ns} route add 10.251.${other.index}.0/24 via ${other.transport} dev wan0 table 100`,
          );
    }
  });

  it("gives each site a relay listener per remote member port, with the pair's delay and link", async () => {
    const { plan } = await etcdPlan();
    const client = plan.clients.get("us-east-1")!;
    const config = relayConfig(plan, client);
    const remote = plan.members.filter((m) => m.site !== client);
    expect(config.via).toBe(client.transport);
    // every port of every remote member: client, peer, metrics
    const ports = remote.reduce((n, m) => n + memberPorts(m.local).length, 0);
    expect(ports).toBe(remote.length * 3);
    expect(config.listeners.filter((l) => l.port !== 7007)).toHaveLength(ports);
    const west = config.listeners.find(
      (l) => l.host === remote.find((m) => m.site.region === "eu-west-1")!.address,
    )!;
    expect(west.delayMs).toBe(plan.delayMs(client, remote.find((m) => m.site.region === "eu-west-1")!.site));
    expect(west.tags).toEqual([
      "link:eu-west-1/us-east-1",
      `site:${client.index}`,
      `site:${remote.find((m) => m.site.region === "eu-west-1")!.site.index}`,
    ]);
  });
});

describe("lab supervisor", () => {
  it("cleans up when the terminal hangs up (SIGHUP), and exits as the signal would", () => {
    // A child that owns a supervisor (a temp folder, nothing else) and then receives SIGHUP.
    const script = `import { Supervisor } from "./src/lab/supervisor.ts";
      const sup = new Supervisor(); console.log(sup.root);
      process.kill(process.pid, "SIGHUP"); setTimeout(() => {}, 5000);`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    const root = child.stdout.trim();
    try {
      expect(root).toMatch(/topoplan-lab-\d+-1-/);
      expect(child.status).toBe(129);
      expect(existsSync(root)).toBe(false);
    } finally {
      if (root !== "") rmSync(root, { recursive: true, force: true });
    }
  });

  it("a network command that fails is the machine's problem: exit 2 quoting the command and its error", () => {
    const sup = new Supervisor();
    try {
      // A stand-in for `ip` in a container without CAP_NET_ADMIN (no namespace is touched).
      const argv = ["sh", "-c", "echo 'RTNETLINK answers: Operation not permitted' >&2; exit 2"];
      const error = (() => {
        try {
          sup.run(argv);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      const [problem] = (error as InputError).diagnostics;
      expect(problem).toMatchObject({ code: "lab/environment" });
      expect(problem!.message).toContain("RTNETLINK answers: Operation not permitted");
      expect(problem!.message).toContain(argv.join(" "));
      expect(problem!.fix).toContain("CAP_NET_ADMIN");
    } finally {
      sup.cleanup();
    }
  });
});

describe("link cuts reroute like a backbone (and like the analysis)", () => {
  it.each([
    // [cut, tag, one-way delay]: the shortest remaining path's RTT / 2.
    [["link:eu-west-1/us-east-1"], "link:eu-west-1/us-east-1", ["eu-west-1", "eu-central-1", "us-east-1"]],
    [
      ["link:eu-central-1/eu-west-1"],
      "link:eu-central-1/eu-west-1",
      ["eu-west-1", "us-east-1", "eu-central-1"],
    ],
  ] as const)("%s → %s over %s", async (cut, tag, path) => {
    const { model } = await loadTopology(fixture("etcd-3-far.yaml"));
    const rtt = (a: string, b: string) => model.catalog.rttMs(a, b)!;
    const via = rtt(path[0], path[1]) + rtt(path[1], path[2]);
    // The direct pair is shorter than the detour (else nothing would change).
    expect(rtt(path[0], path[2])).toBeLessThan(via);
    expect(linkReroutes(model, parseFailures(model, [...cut]))).toEqual([{ tag, delayMs: via / 2 }]);
  });

  it("with no remaining path the link is silent (cut), and region or zone failures reroute nothing", async () => {
    const { model } = await loadTopology(fixture("etcd-3-far.yaml"));
    const isolated = parseFailures(model, ["link:eu-west-1/us-east-1", "link:eu-central-1/eu-west-1"]);
    expect(linkReroutes(model, isolated)).toEqual([
      { tag: "link:eu-west-1/us-east-1", delayMs: undefined },
      { tag: "link:eu-central-1/eu-west-1", delayMs: undefined },
    ]);
    expect(linkReroutes(model, parseFailures(model, ["region:eu-west-1"]))).toEqual([]);
  });
});

describe("delay relay", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  const echoServer = () =>
    new Promise<number>((resolve) => {
      const server = createServer((s) => s.pipe(s)).listen(0, "127.0.0.1", () => {
        resolve((server.address() as { port: number }).port);
      });
      closers.push(() => server.close());
    });

  const roundTrip = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.setNoDelay(true);
      socket.on("error", reject);
      socket.once("connect", () => {
        const start = performance.now();
        socket.once("data", () => {
          resolve(performance.now() - start);
          socket.destroy();
        });
        socket.write("x");
      });
    });

  /** A port free on loopback now (the kernel's pick), for a relay listener. */
  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  /** A relay on a free loopback port to `target`, one way `delayMs`, tagged link:a/b; once listening. */
  const relayTo = async (target: number, delayMs: number) => {
    const port = await freePort();
    let first: (message: object) => void = () => {};
    const firstMessage = new Promise<object>((resolve) => {
      first = resolve;
    });
    const relay = startRelay(
      {
        via: "127.0.0.1",
        echoPort: 0,
        listeners: [
          {
            host: "127.0.0.1",
            port,
            target: { host: "127.0.0.1", port: target },
            delayMs,
            tags: ["link:a/b"],
          },
        ],
      },
      (message) => first(message),
    );
    expect(await firstMessage).toEqual({ ready: true });
    return { relay, port };
  };

  it("holds each direction for the one-way delay, and a cut link passes nothing until healed", async () => {
    const { relay, port } = await relayTo(await echoServer(), 20);
    const rtt = await roundTrip(port);
    expect(rtt).toBeGreaterThanOrEqual(40);
    expect(rtt).toBeLessThan(200);
    relay.set("link:a/b", true);
    const cut = await Promise.race([
      roundTrip(port),
      new Promise<string>((r) => setTimeout(() => r("silent"), 300)),
    ]);
    expect(cut).toBe("silent");
    relay.set("link:a/b", false);
    expect(await roundTrip(port)).toBeGreaterThanOrEqual(40);
  });

  it("a cut keeps open connections open and silent, even when the far end goes away; healing drops them", async () => {
    // A server that answers each chunk and whose side of each connection the test can close.
    const far: Socket[] = [];
    const port = await new Promise<number>((resolve) => {
      const server = createServer((s) => {
        far.push(s);
        s.on("error", () => {});
        s.pipe(s);
      }).listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
      closers.push(() => server.close());
    });
    const { relay, port: relayPort } = await relayTo(port, 5);
    const socket = connect({ host: "127.0.0.1", port: relayPort });
    socket.setNoDelay(true);
    socket.on("error", () => {});
    closers.push(() => socket.destroy());
    const events: string[] = [];
    socket.on("data", () => events.push("data"));
    socket.on("end", () => events.push("end"));
    socket.on("close", () => events.push("close"));
    await new Promise((r) => socket.once("connect", r));
    socket.write("x");
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(["data"]);

    relay.set("link:a/b", true);
    socket.write("y");
    // The far end crashes while the link is cut: its FIN must not cross the partition.
    for (const s of far) s.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual(["data"]);
    expect(socket.destroyed).toBe(false);

    relay.set("link:a/b", false);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.slice(1)).toContain("close");
  });

  it("a rerouted link takes its new delay, also on an open connection, and returns to the configured one", async () => {
    const { relay, port } = await relayTo(await echoServer(), 10);
    const socket = connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    closers.push(() => socket.destroy());
    await new Promise((r) => socket.once("connect", r));
    const echo = () =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        socket.once("data", () => resolve(performance.now() - start));
        socket.write("x");
      });
    const before = await echo();
    expect(before).toBeGreaterThanOrEqual(20);
    expect(before).toBeLessThan(70);
    relay.reroute("link:a/b", 60);
    expect(await echo()).toBeGreaterThanOrEqual(120);
    relay.reroute("link:a/b", undefined);
    const after = await echo();
    expect(after).toBeGreaterThanOrEqual(20);
    expect(after).toBeLessThan(110);
  });
});
