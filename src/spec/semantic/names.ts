import { CONTROL_CHARACTERS, describeControl } from "../../diagnostics/control.js";
import { formatPath } from "../../diagnostics/diagnostic.js";
import type { CheckContext } from "./context.js";
import { matches, type NodeCheck, patternIndex, type SpecNode } from "./walk.js";

/**
 * Names that become Kubernetes object names, label values, file names, PromQL or cron text are
 * checked here against what the consumer accepts, so nothing downstream has to guess how to
 * escape them. Every name is lower case, so no two names differ only in case (Team vs team would
 * land in one file on a case-insensitive disk, and in one namespace).
 */

/** RFC 1123 label: Kubernetes namespaces and label values; what `render` uses as a path segment. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain: StorageClass names. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
/** Environment variable names Kubernetes accepts (and every shell reads). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Prometheus metric names (https://prometheus.io/docs/concepts/data_model/). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** One or more PromQL label matchers: `code=~"5.."`, `a="b", c!="d"`. */
const LABEL_MATCHERS =
  /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\\n]|\\.)*"\s*(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\\n]|\\.)*"\s*)*$/;
/** Label matchers, or nothing (a blank filter drops the default one: promql.ts `selector`). */
const LABEL_MATCHERS_OR_BLANK = {
  test: (text: string) => text.trim() === "" || LABEL_MATCHERS.test(text),
};
/** Chaos Mesh schedules: a five-field cron line or a descriptor (robfig/cron syntax). */
const CRON =
  /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every \d+(\.\d+)?(ns|us|µs|ms|s|m|h)(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))*|([0-9*/,?A-Za-z-]+ ){4}[0-9*/,?A-Za-z-]+)$/;
/**
 * A five-field cron line whose day of the week names no day above 6 (robfig/cron v3 spec.go:
 * `dow = bounds{0, 6, …}`; "end of range (7) above maximum (6)"); other lines and descriptors
 * pass. A `/7` step is a step, not a day; `06` is 6.
 */
const CRON_DAY_OF_WEEK = {
  test: (text: string) => dayOfWeekBeyond6(text) === undefined,
};

/** Whether a five-field cron line's day of the week names a day above 6. */
function dayOfWeekBeyond6(text: string): boolean | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const days = fields[4]!.split(",").flatMap((item) => item.split("/")[0]!.split("-"));
  return days.some((day) => /^\d+$/.test(day) && Number(day) > 6) || undefined;
}

/** Sunday written 7 as 0 (a range ending at 7 as up to 6, and 0); else the days to use. */
function dayOfWeekFix(text: string): string {
  const fields = text.trim().split(/\s+/);
  const items = (fields[4] ?? "").split(",").map((item) => {
    if (/^0*7$/.test(item)) return "0";
    const range = /^(\d+)-0*7$/.exec(item);
    return range !== null && Number(range[1]) <= 6 ? `${range[1]}-6,0` : item;
  });
  const fixed = [...fields.slice(0, 4), items.join(",")].join(" ");
  return dayOfWeekBeyond6(fixed) === undefined ? `e.g. "${fixed}"` : "days of the week are 0 (Sunday) to 6";
}
/** An image reference: registry/path:tag@digest, no spaces or quotes. */
const IMAGE = /^[a-z0-9]([a-z0-9._/:@-]*[a-zA-Z0-9_.-])?$/i;
/** An HTTP path for probes: absolute, printable ASCII without spaces. */
const HTTP_PATH = /^\/[\x21-\x7e]*$/;
/** AWS instance classes and engine versions: `db.r6g.large`, `16.4`, `3.7.x`. */
const AWS_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface NameRule {
  /** Where the name is: a value (`value`) or a record key (`key`). */
  readonly at: string;
  readonly on: "value" | "key";
  /** A regular expression, or anything else that tests a text the same way. */
  readonly pattern: { test(text: string): boolean };
  readonly what: string;
  readonly fix: (value: string) => string;
}

/** The nearest lower-case DNS label: `Team_A` → `team-a`. */
export function toDnsLabel(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+/, "")
      .slice(0, 63)
      .replace(/-+$/, "") || "name"
  );
}

const label = (value: string) => `use "${toDnsLabel(value)}"`;

const NAME_RULES: readonly NameRule[] = [
  {
    at: "regions.*",
    on: "key",
    pattern: DNS_LABEL,
    what: "a region code is a label value and a file name: a lowercase DNS label (letters, digits, '-'), at most 63 characters",
    fix: label,
  },
  {
    at: "regions.*.zones.*",
    on: "value",
    pattern: DNS_LABEL,
    what: "a zone name is the topology.kubernetes.io/zone label value and part of file names: a lowercase DNS label, at most 63 characters",
    fix: label,
  },
  {
    at: "datastores.*.zones.*.*",
    on: "value",
    pattern: DNS_LABEL,
    what: "a zone name is a lowercase DNS label, at most 63 characters",
    fix: label,
  },
  ...(["datastores", "services", "streams"] as const).flatMap((kind): NameRule[] => [
    {
      at: `${kind}.*.deploy.namespace`,
      on: "value",
      pattern: DNS_LABEL,
      what: "a namespace is a lowercase DNS label (letters, digits, '-'), at most 63 characters",
      fix: label,
    },
    {
      at: `${kind}.*.deploy.storageClass`,
      on: "value",
      pattern: DNS_SUBDOMAIN,
      what: "a StorageClass name is a lowercase DNS subdomain, at most 253 characters",
      fix: label,
    },
    {
      at: `${kind}.*.deploy.env.*`,
      on: "key",
      pattern: ENV_NAME,
      what: "an environment variable name is letters, digits and '_', not starting with a digit",
      fix: (v) => `use "${v.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^(?=\d)/, "_") || "NAME"}"`,
    },
    {
      at: `${kind}.*.deploy.image`,
      on: "value",
      pattern: IMAGE,
      what: "an image reference has no spaces, quotes or control characters (registry/name:tag or @sha256:…)",
      fix: () => 'e.g. "ghcr.io/acme/api:1.4.2"',
    },
    {
      at: `${kind}.*.deploy.healthPath`,
      on: "value",
      pattern: HTTP_PATH,
      what: "a probe path starts with '/' and has no spaces or control characters",
      fix: () => 'e.g. "/healthz"',
    },
    {
      at: `${kind}.*.deploy.streamingPaths.*`,
      on: "value",
      pattern: HTTP_PATH,
      what: "a request path starts with '/' and has no spaces or control characters",
      fix: () => 'e.g. "/shop.Stock/Watch"',
    },
    {
      at: `${kind}.*.deploy.instanceClass`,
      on: "value",
      pattern: AWS_TOKEN,
      what: "an instance class is letters, digits, '.', '_' and '-'",
      fix: () => 'e.g. "db.r6g.large"',
    },
    {
      at: `${kind}.*.deploy.engineVersion`,
      on: "value",
      pattern: AWS_TOKEN,
      what: "an engine version is letters, digits, '.', '_' and '-'",
      fix: () => 'e.g. "16.4"',
    },
    ...["requests", "latencyBucket", "latencySum", "replicationLag"].map(
      (metric): NameRule => ({
        at: `${kind}.*.observability.metrics.${metric}`,
        on: "value",
        pattern: METRIC_NAME,
        what: "a Prometheus metric name is letters, digits, '_' and ':', not starting with a digit",
        fix: () => 'e.g. "http_server_request_duration_seconds_count"',
      }),
    ),
    {
      at: `${kind}.*.observability.metrics.errorSelector`,
      on: "value",
      pattern: LABEL_MATCHERS,
      what: 'the error selector is PromQL label matchers, e.g. http_response_status_code=~"5.."',
      fix: () => 'e.g. "http_response_status_code=~\\"5..\\""',
    },
    // Both go into what is compiled unquoted: the filter inside every rule's selector braces, the
    // path into the ServiceMonitor's endpoint.
    {
      at: `${kind}.*.observability.metrics.filter`,
      on: "value",
      pattern: LABEL_MATCHERS_OR_BLANK,
      what: 'the filter is PromQL label matchers without braces, e.g. job="api" ("" for none)',
      fix: () => 'e.g. "job=\\"api\\"" (several: "job=\\"api\\",env=\\"prod\\"")',
    },
    {
      at: `${kind}.*.observability.metrics.path`,
      on: "value",
      pattern: HTTP_PATH,
      what: "a scrape path starts with '/' and has no spaces or control characters",
      fix: () => 'e.g. "/metrics"',
    },
    {
      at: `${kind}.*.chaos.schedule`,
      on: "value",
      pattern: CRON,
      what: "a schedule is a five-field cron line or @hourly/@daily/@weekly/@monthly/@every <duration>",
      fix: () => 'e.g. "@weekly" or "0 3 * * 1"',
    },
    {
      at: `${kind}.*.chaos.schedule`,
      on: "value",
      pattern: CRON_DAY_OF_WEEK,
      what: "the day of the week is 0–6 (Sunday is 0): Chaos Mesh parses schedules with robfig/cron, whose day-of-week field ends at 6, and its webhook refuses a Schedule with 7",
      fix: dayOfWeekFix,
    },
  ]),
];

const RULES = patternIndex(NAME_RULES.map((rule) => ({ rule, pattern: rule.at.split(".") })));

/** Names checked against the syntax of the place they end up in. */
export function nameCheck(context: CheckContext): NodeCheck {
  return {
    visit(node) {
      for (const { rule, pattern } of RULES.candidates(node)) {
        if (!matches(node, pattern)) continue;
        const text = rule.on === "key" ? String(node.key) : node.value;
        if (typeof text !== "string" || rule.pattern.test(text)) continue;
        context.report({
          code: "spec/invalid-name",
          path: formatPath(node.at),
          message: `${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)} is not valid here: ${rule.what}`,
          fix: rule.fix(text),
        });
      }
    },
  };
}

/**
 * C0/C1 control characters (escape sequences, carriage returns), bidirectional overrides and
 * invisible characters have no place in a topology; refusing them at the spec means no report,
 * terminal or file can be steered by one. Tabs and newlines are allowed in descriptions only.
 */
const CONTROL = CONTROL_CHARACTERS;
const LINE_BREAK = /[\t\n]/;
const FREE_TEXT = new Set(["description", "reason"]);

export function controlCharacterCheck(context: CheckContext): NodeCheck {
  const report = (node: SpecNode, what: string, text: string) =>
    context.report({
      code: "spec/control-character",
      path: formatPath(node.at),
      message: `the ${what} holds a control, invisible or bidirectional-override character or a line break (${describeControl(text, LINE_BREAK)})`,
      fix: "remove it: spec text is printed to terminals, pull-request comments and generated files",
    });
  // Keys and values repeat (every service has `regions`, most share an image registry): a text
  // found clean once is not scanned again (23,000 distinct keys among 850,000 nodes, issue #15).
  const clean = new Set<string>();
  const isClean = (text: string) => {
    if (clean.has(text)) return true;
    if (CONTROL.test(text) || LINE_BREAK.test(text)) return false;
    clean.add(text);
    return true;
  };
  return {
    visit(node) {
      const { key, value } = node;
      if (typeof key === "string" && !isClean(key)) report(node, "key", key);
      if (typeof value !== "string" || isClean(value)) return;
      const freeText = typeof key === "string" && FREE_TEXT.has(key);
      if (CONTROL.test(value) || (!freeText && LINE_BREAK.test(value))) report(node, "value", value);
    },
  };
}

/** Keys that are not names in JavaScript: a service called `constructor` would shadow Object's. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function reservedKeyCheck(context: CheckContext): NodeCheck {
  return {
    visit(node) {
      const { key } = node;
      if (typeof key === "string" && RESERVED_KEYS.has(key))
        context.report({
          code: "spec/reserved-key",
          path: formatPath(node.at),
          message: `"${key}" is reserved in JavaScript and cannot name a component, region or setting`,
          fix: `rename it, e.g. "${key.replace(/_/g, "")}-1"`,
        });
    },
  };
}
