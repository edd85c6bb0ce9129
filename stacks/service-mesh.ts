import { defineTopology } from "../src/spec/define.js";

/**
 * An e-commerce checkout as a service mesh (Istio on one Kubernetes cluster per region).
 *
 * Three regions: us-east-1 is the home of the transactional data (orders, inventory, the payment
 * ledger); us-west-2 is its nearby failover (~64 ms away); eu-west-1 serves European shoppers and
 * reads locally from the replicated catalog, carts and profiles, while its checkouts cross the
 * Atlantic once to the primary. The call graph keeps three properties a reviewer looks for:
 *
 * - deadlines shrink down the graph (gateway 3 s > checkout 2.5 s > payments 1.8 s > PSP 800 ms
 *   per try), so no callee keeps working for a caller that already gave up;
 * - only idempotent calls retry, with capped exponential backoff and full jitter; non-idempotent
 *   POSTs (place order) do not retry at the gateway. Calls between services declare no backoff:
 *   the mesh retries them, and the sidecar waits Envoy's own (jittered), which Istio cannot change;
 *   the applications' own retries (to the databases, the PSP) declare theirs;
 * - what the page can live without (recommendations, "others also bought") is a soft dependency.
 */
export default defineTopology({
  name: "service-mesh",
  description: "E-commerce checkout: gateway, cart, checkout, payments, inventory, catalog, profiles",
  // Share of shopper traffic by the region it enters through (CDN geo-routing).
  users: { "us-east-1": 0.45, "us-west-2": 0.3, "eu-west-1": 0.25 },

  datastores: {
    "commerce-db": {
      description:
        "PostgreSQL (CloudNativePG) for orders and stock reservations. Semi-sync: a commit waits for one of the " +
        "primary region's two standbys (synchronous_standby_names = ANY 1), the standby in us-west-2 is the DR copy.",
      replication: "primary-replica",
      sync: "semi-sync",
      // Callers read their own writes from the primary; a failover to the DR standby may lose the tail.
      consistency: "session",
      partitions: { count: 1 },
      replicas: 4,
      // Primary + two synchronous standbys in three zones of us-east-1 keep commits at cross-zone
      // latency; CloudNativePG makes only these synchronous and blocks writes when none is up
      // (dataDurability: required), so surviving a zone takes the second one.
      placement: { "us-east-1": 3, "us-west-2": 1 },
      leader: "us-east-1",
      survive: "zone",
      backup: { regions: ["us-west-2"] },
      traffic: { readsPerSec: 2_500, writesPerSec: 450, itemBytes: 2_048 },
      // Measured from every region that calls it: EU checkouts cross the Atlantic to the primary (~70 ms RTT).
      slo: { availability: 0.9995, readP99Ms: 120, writeP99Ms: 130, replicationLagMs: 1_000 },
      deploy: {
        target: "kubernetes",
        engine: "postgresql",
        image: "ghcr.io/cloudnative-pg/postgresql:16.4-bookworm",
        storageGi: 500,
        storageClass: "gp3-encrypted",
        cpu: "4",
        memory: "16Gi",
      },
    },
    "payments-ledger": {
      description:
        "Aurora PostgreSQL global database: the payment ledger. One writer region; the secondary in us-west-2 " +
        "can be promoted (RPO = replication lag, typically under a second).",
      replication: "primary-replica",
      sync: "async",
      consistency: "session",
      replicas: 3,
      placement: { "us-east-1": 2, "us-west-2": 1 },
      leader: "us-east-1",
      survive: "zone",
      traffic: { readsPerSec: 600, writesPerSec: 300, itemBytes: 1_024 },
      // Aurora's storage replication: "typically under a second", seconds at p99 (the model's
      // estimate: 5 s, src/catalog/data/replication.ts); a 1 s lag SLO would fail every check.
      slo: { availability: 0.9995, writeP99Ms: 120, replicationLagMs: 6_000 },
      deploy: {
        target: "aws",
        service: "aurora-postgresql",
        instanceClass: "db.r6g.xlarge",
        engineVersion: "16.4",
      },
    },
    "catalog-db": {
      description:
        "Cassandra (NetworkTopologyStrategy, RF 3 per region) for products and prices. R = W = 2 of 9 behaves like " +
        "LOCAL_QUORUM: reads and writes stay in the caller's region; other regions converge asynchronously.",
      replication: "leaderless",
      consistency: "eventual",
      partitions: { count: 256, key: "productId", strategy: "hash" },
      replicas: 9,
      placement: { "us-east-1": 3, "us-west-2": 3, "eu-west-1": 3 },
      quorum: { read: 2, write: 2 },
      survive: "region",
      traffic: { readsPerSec: 40_000, writesPerSec: 200, itemBytes: 4_096 },
      slo: { availability: 0.9999, readP99Ms: 10, writeP99Ms: 20, replicationLagMs: 5_000 },
      deploy: {
        target: "kubernetes",
        image: "cassandra:4.1.7",
        port: 9042,
        // CQL: the mesh passes it through; the clients' drivers retry.
        protocol: "tcp",
        metricsPort: 7070,
        peerPort: 7000,
        storageGi: 1_000,
        cpu: "8",
        memory: "32Gi",
      },
    },
    "cart-cache": {
      description:
        "KeyDB with active replication (multi-master): carts are written in the shopper's region and " +
        "replicated to the others; last writer wins, which is acceptable for a cart.",
      replication: "multi-leader",
      consistency: "eventual",
      partitions: { count: 16, key: "cartId", strategy: "hash" },
      replicas: 6,
      placement: { "us-east-1": 2, "us-west-2": 2, "eu-west-1": 2 },
      leaders: ["us-east-1", "us-west-2", "eu-west-1"],
      survive: "region",
      traffic: { readsPerSec: 9_000, writesPerSec: 1_500, itemBytes: 3_072 },
      // Writes commit in the shopper's region; their p99 is the commit tail (no engine for KeyDB:
      // the model's flat estimate, 11.2 ms).
      slo: { availability: 0.999, readP99Ms: 5, writeP99Ms: 15, replicationLagMs: 2_000 },
      deploy: {
        target: "kubernetes",
        image: "eqalpha/keydb:x86_64_v6.3.4",
        port: 6379,
        // RESP: the mesh passes it through; the clients' drivers retry.
        protocol: "tcp",
        metricsPort: 9121,
        storageGi: 20,
        cpu: "2",
        memory: "8Gi",
      },
    },
    "profiles-db": {
      description: "DynamoDB global table of user profiles and addresses (multi-active, last writer wins).",
      replication: "multi-leader",
      consistency: "eventual",
      partitions: { count: 1, key: "userId" },
      replicas: 3,
      placement: { "us-east-1": 1, "us-west-2": 1, "eu-west-1": 1 },
      survive: "region",
      traffic: { readsPerSec: 3_000, writesPerSec: 60, itemBytes: 2_048 },
      // Reads are local: their p99 is DynamoDB's own request time; global tables replicate "usually
      // within a second", which the model takes as the p99 from region to region, the trip included.
      slo: { availability: 0.99999, readP99Ms: 15, replicationLagMs: 1_500 },
      deploy: { target: "aws", service: "dynamodb" },
    },
  },

  services: {
    "edge-gateway": {
      description: "Envoy ingress gateway: TLS, auth, routing to the storefront APIs.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 6,
      processingMs: 1,
      traffic: { requestsPerSec: 12_000 },
      slo: { availability: 0.999, latencyP99Ms: 3_000 },
      calls: [
        // Product pages: GETs, safe to retry.
        {
          to: "catalog",
          timeoutMs: 400,
          perTryTimeoutMs: 150,
          retries: 2,
          callsPerRequest: 0.6,
        },
        {
          to: "cart",
          timeoutMs: 500,
          perTryTimeoutMs: 200,
          retries: 1,
          callsPerRequest: 0.25,
        },
        // Place order is a non-idempotent POST: no retry at the edge (checkout dedupes by order id
        // downstream, but a gateway retry would double the load exactly when checkout is slow).
        { to: "checkout", op: "request", timeoutMs: 3_000, retries: 0, callsPerRequest: 0.0125 },
        {
          to: "profiles",
          timeoutMs: 300,
          retries: 1,
          callsPerRequest: 0.2,
        },
        // The page renders without recommendations.
        { to: "recommendations", timeoutMs: 120, retries: 0, hard: false, callsPerRequest: 0.5 },
      ],
      deploy: {
        target: "kubernetes",
        image: "envoyproxy/envoy:v1.31.2",
        port: 8443,
        metricsPort: 9901,
        healthPath: "/ready",
        cpu: "2",
        memory: "2Gi",
      },
    },
    catalog: {
      description: "Product and price API.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 4,
      processingMs: 4,
      traffic: { requestsPerSec: 9_000 },
      slo: { availability: 0.9995, latencyP99Ms: 150 },
      calls: [
        {
          to: "catalog-db",
          op: "read",
          timeoutMs: 100,
          perTryTimeoutMs: 40,
          retries: 2,
          backoff: { baseMs: 5, maxMs: 20, jitter: true },
          callsPerRequest: 1.5,
        },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/catalog:3.12.0", cpu: "1", memory: "1Gi" },
    },
    cart: {
      description: "Cart API: add/remove items, price the cart.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 3,
      traffic: { requestsPerSec: 3_200 },
      slo: { availability: 0.999, latencyP99Ms: 250 },
      calls: [
        {
          to: "cart-cache",
          op: "write",
          timeoutMs: 50,
          perTryTimeoutMs: 20,
          retries: 1,
          backoff: { baseMs: 5, maxMs: 10, jitter: true },
          callsPerRequest: 2,
        },
        // Current prices; a stale cached price is shown when the catalog is slow.
        {
          to: "catalog",
          timeoutMs: 150,
          retries: 1,
          hard: false,
          callsPerRequest: 0.5,
        },
        // "In stock" badges are advisory; reservation happens at checkout.
        { to: "inventory", timeoutMs: 100, retries: 0, hard: false, callsPerRequest: 0.5 },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/cart:2.8.4" },
    },
    checkout: {
      description: "Orchestrates an order: reserve stock, authorise payment, write the order.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 15,
      traffic: { requestsPerSec: 150 },
      slo: { availability: 0.999, latencyP99Ms: 2_500 },
      calls: [
        { to: "cart", timeoutMs: 300, retries: 1 },
        { to: "profiles", timeoutMs: 300, retries: 1 },
        // Reservation carries an idempotency key, so a retry cannot reserve twice.
        {
          to: "inventory",
          op: "request",
          timeoutMs: 600,
          perTryTimeoutMs: 250,
          retries: 2,
        },
        { to: "payments", op: "request", timeoutMs: 2_000, retries: 0 },
        {
          to: "commerce-db",
          op: "write",
          timeoutMs: 200,
          perTryTimeoutMs: 150,
          retries: 1,
          backoff: { baseMs: 20, jitter: true },
          callsPerRequest: 2,
        },
        // "Customers also bought" on the confirmation page.
        { to: "recommendations", timeoutMs: 100, retries: 0, hard: false },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/checkout:5.2.1", cpu: "1", memory: "1Gi" },
    },
    payments: {
      description: "Authorises and captures payments through the PSP and records them in the ledger.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 10,
      traffic: { requestsPerSec: 160 },
      slo: { availability: 0.9995, latencyP99Ms: 2_000 },
      calls: [
        // One retry on a fixed 100 ms delay, without jitter: the PSP call carries an idempotency key,
        // runs at ~160 req/s and the PSP rate-limits per merchant, so synchronised retries cannot stampede.
        {
          to: "psp",
          op: "request",
          timeoutMs: 1_800,
          perTryTimeoutMs: 800,
          retries: 1,
          backoff: { baseMs: 100, maxMs: 100, multiplier: 1, jitter: false },
        },
        {
          to: "payments-ledger",
          op: "write",
          timeoutMs: 150,
          perTryTimeoutMs: 100,
          retries: 1,
          backoff: { baseMs: 20, jitter: true },
          callsPerRequest: 2,
        },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/payments:4.0.7", cpu: "1", memory: "1Gi" },
    },
    psp: {
      description: "External payment service provider (card authorisation API); modelled, not deployed.",
      regions: ["us-east-1", "eu-west-1"],
      processingMs: 250,
      slo: { availability: 0.9995, latencyP99Ms: 700 },
      deploy: { target: "external" },
    },
    inventory: {
      description: "Stock levels and reservations (rows in commerce-db), over gRPC.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 3,
      traffic: { requestsPerSec: 1_800 },
      slo: { availability: 0.999, latencyP99Ms: 200 },
      calls: [
        {
          to: "commerce-db",
          op: "write",
          timeoutMs: 150,
          perTryTimeoutMs: 100,
          retries: 1,
          backoff: { baseMs: 10, jitter: true },
        },
      ],
      // gRPC: the mesh speaks HTTP/2 to it, retries on UNAVAILABLE, and its SLI reads gRPC statuses.
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/inventory:1.19.3", protocol: "grpc" },
    },
    recommendations: {
      description: "Model-served product recommendations; best effort.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 4,
      processingMs: 20,
      traffic: { requestsPerSec: 6_200 },
      slo: { availability: 0.99, latencyP99Ms: 100 },
      calls: [{ to: "catalog-db", op: "read", timeoutMs: 40, retries: 0, callsPerRequest: 1 }],
      deploy: {
        target: "kubernetes",
        image: "ghcr.io/acme-shop/recommendations:0.27.1",
        cpu: "2",
        memory: "4Gi",
      },
    },
    profiles: {
      description: "User profiles, addresses and saved payment-method tokens.",
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      replicasPerRegion: 3,
      processingMs: 3,
      traffic: { requestsPerSec: 2_600 },
      slo: { availability: 0.9995, latencyP99Ms: 100 },
      calls: [
        {
          to: "profiles-db",
          op: "read",
          timeoutMs: 60,
          perTryTimeoutMs: 25,
          retries: 2,
          backoff: { baseMs: 5, maxMs: 20, jitter: true },
        },
      ],
      deploy: { target: "kubernetes", image: "ghcr.io/acme-shop/profiles:2.2.0" },
    },
  },

  network: {
    // Capacity reserved for this system on the inter-region backbone (Transit Gateway peering).
    links: [
      { between: ["us-east-1", "us-west-2"], bandwidthMbps: 5_000 },
      { between: ["us-east-1", "eu-west-1"], bandwidthMbps: 2_000 },
      { between: ["us-west-2", "eu-west-1"], bandwidthMbps: 1_000 },
    ],
  },
  policies: { "bandwidth.headroom": 0.7 },
});
