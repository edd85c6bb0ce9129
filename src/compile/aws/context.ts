import type * as pulumi from "@pulumi/pulumi";
import { type Diagnostic, inputProblem } from "../../diagnostics/diagnostic.js";
import type { Model } from "../../model/types.js";
import { byText } from "../../order.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";
import { alarmTopic } from "./alarm-topic.js";
import { logicalName, physicalName, SHARED, stackPart, tagsFor } from "./names.js";
import { cidrProblems, subnetCidr, vpcCidr } from "./network.js";
import { type AwsCompileOptions, isExistingNetwork } from "./options.js";
import { pathCidrs } from "./paths.js";
import { type AwsToken, concat, type Emission, jsonDocument, out, STATEFUL, toPlanned } from "./typed.js";

/** A CloudWatch dashboard widget (metric graph), collected per region. */
export interface Widget {
  readonly component: string;
  readonly title: string;
  /** CloudWatch dashboard `metrics` rows. */
  readonly metrics: readonly (readonly unknown[])[];
  readonly stat: string;
  /** A horizontal annotation (the SLO threshold), when there is one. */
  readonly threshold?: { readonly label: string; readonly value: number };
}

/** A CloudWatch alarm on one metric (or a metric-math sum of several). */
export interface AlarmSpec {
  /** Topology component, or "" for a shared per-region alarm. */
  readonly component: string;
  readonly region: string;
  /** Distinguishes the alarms of one component in one region, e.g. `replication-latency-eu-central-1`. */
  readonly key: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** One set of dimensions, or several to be summed with metric math. */
  readonly dimensions: readonly Readonly<Record<string, pulumi.Input<string>>>[];
  readonly statistic: "Maximum" | "Average" | "Sum";
  readonly threshold: number;
  /** @default GreaterThanThreshold */
  readonly comparison?: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  /** @default 60 */
  readonly periodSeconds?: number;
  /** @default 5 */
  readonly evaluationPeriods?: number;
  /** @default 3 */
  readonly datapointsToAlarm?: number;
  /** @default notBreaching — these metrics are absent when idle */
  readonly treatMissingData?: "notBreaching" | "breaching" | "missing";
  /**
   * Minutes after creation the alarm waits in INSUFFICIENT_DATA, ended early once data fills its
   * evaluation window (CloudWatch WarmUpConfiguration): for an alarm on missing data that comes
   * only once something else starts. @default none
   */
  readonly warmUpMinutes?: number;
  /** Whether it notifies the region's alarm topic; false for a composite alarm's members. @default true */
  readonly notify?: boolean;
  /** Resources that must exist before the alarm evaluates (an alarm on a metric they publish). */
  readonly dependsOn?: readonly string[];
}

/** Events of one metric summed over several dimension sets (a metric-math sum). */
export interface MetricSum {
  readonly metricName: string;
  readonly statistic: "Sum" | "SampleCount";
  readonly dimensions: readonly Readonly<Record<string, pulumi.Input<string>>>[];
}

/**
 * A CloudWatch alarm on the ratio bad / (bad + good) over its period, 0 below `minEvents` events
 * (the low-traffic guard of the burn-rate alerts: a handful of failures among a handful of requests
 * is no burn). An alarm's metric math reads at most 10 metrics (CloudWatch quotas: "Alarms based
 * on metric math expressions can reference a maximum of 10 metrics"): `bad` and `good` together.
 */
export interface RatioAlarmSpec
  extends Omit<AlarmSpec, "metricName" | "dimensions" | "statistic" | "comparison" | "treatMissingData"> {
  readonly bad: MetricSum;
  readonly good: MetricSum;
  readonly minEvents: number;
}

/** CloudWatch's limit on the metrics one alarm's metric math reads. */
export const ALARM_METRICS_LIMIT = 10;

/** One metric an expression alarm reads, by its id in the expressions. */
export interface MetricQuery {
  readonly id: string;
  readonly metricName: string;
  readonly statistic: "Sum" | "SampleCount" | "Maximum" | "Average";
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
}

/** An alarm on metric math over several metrics of one namespace. */
export interface ExpressionAlarmSpec extends Omit<AlarmSpec, "metricName" | "dimensions" | "statistic"> {
  readonly metrics: readonly MetricQuery[];
  /** Evaluated in order; the alarm reads the last. */
  readonly expressions: readonly {
    readonly id: string;
    readonly expression: string;
    readonly label?: string;
  }[];
}

/** A composite alarm over alarms of the same component and region, which notifies in their place. */
export interface CompositeAlarmSpec {
  readonly component: string;
  readonly region: string;
  readonly key: string;
  readonly description: string;
  /** The rule, from each member's physical name: `ALARM("<name>")` (see `alarmName`). */
  readonly rule: (alarmName: (key: string) => string) => string;
  /** Keys of the member alarms, created before (`alarm`). */
  readonly members: readonly string[];
}

/**
 * What the per-service compilers share: the resource collector, and the per-region things that
 * are created once on first use (network, KMS keys, alarm topics, dashboard widgets).
 */
export class AwsContext {
  private readonly resources = new Map<string, PlannedResource>();
  /** Names of resources of components out of scope: not made, but taken, as `has` answers. */
  private readonly skipped = new Set<string>();
  private readonly zonesByRegion = new Map<string, Set<string>>();
  private readonly widgetsByRegion = new Map<string, Widget[]>();
  readonly problems: Diagnostic[] = [];

  /**
   * @param scope the components whose resources are made (src/compile/scope.ts). Every backend
   *   still runs for every component: the network, KMS keys, topics and dashboards gather what
   *   all of them ask for.
   */
  constructor(
    readonly model: Model,
    readonly options: AwsCompileOptions,
    private readonly scope: ComponentScope = EVERY_COMPONENT,
  ) {}

  emit<T extends AwsToken>(emission: Emission<T>): string {
    this.unused(emission.name);
    if (this.outOfScope(emission.component)) this.skipped.add(emission.name);
    else this.resources.set(emission.name, toPlanned(emission));
    return emission.name;
  }

  has(name: string): boolean {
    return this.resources.has(name) || this.skipped.has(name);
  }

  /** Names are unique: two resources of one name are a bug in the compiler, never input. */
  private unused(name: string): void {
    if (this.has(name)) throw new Error(`aws target: two resources named "${name}" (a bug in the compiler)`);
  }

  private outOfScope(component: string): boolean {
    return component !== "" && !this.scope(component);
  }

  /**
   * An alarm of a component out of scope: its name taken, nothing built (the alarms are most of a
   * table's resources) but the region's alarm topic, which its first alarm creates (alarmActions).
   */
  private skippedAlarm(spec: {
    readonly component: string;
    readonly key: string;
    readonly region: string;
    readonly notify?: boolean;
  }) {
    if (!this.outOfScope(spec.component)) return undefined;
    if (spec.notify !== false) this.alarmActions(spec.region);
    const name = logicalName(spec.component, `alarm-${spec.key}`, spec.region);
    this.unused(name);
    this.skipped.add(name);
    return name;
  }

  tags(component: string): Record<string, string> {
    return tagsFor(this.model.name, component);
  }

  /**
   * A physical name scoped to the topology and the stack, `<topology>[-<stack>]-<parts…>`, the
   * stack made safe for AWS names (stackPart).
   */
  physical(parts: readonly string[], max: number, separator = "-"): string {
    const stack = this.options.stack === undefined ? [] : [stackPart(this.options.stack)];
    return physicalName([this.model.name, ...stack, ...parts], max, separator);
  }

  /** The component's customer-managed KMS key in a region (rotation on); returns its logical name. */
  kmsKey(component: string, region: string): string {
    const name = logicalName(component, "kms-key", region);
    if (this.has(name)) return name;
    return this.emit({
      type: "aws:kms/key:Key",
      name,
      region,
      component,
      args: {
        description: `topoplan ${this.model.name}/${component} data key in ${region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: this.tags(component),
      },
      // Deleting a key makes everything encrypted under it unreadable: as stateful as the data.
      options: STATEFUL,
    });
  }

  /**
   * Subnet ids for a component in `region` over `zones`: topoplan's own subnets (one per zone,
   * created in `finish`) or, with `topoplan:network`, the configured ones — all of them, or the
   * first `zones.length` when `exactPerZone` (MSK wants one subnet per broker zone).
   */
  subnets(region: string, zones: readonly string[], exactPerZone: boolean): pulumi.Input<string>[] {
    const configured = this.options.awsNetwork?.[region];
    if (isExistingNetwork(configured)) {
      return exactPerZone ? configured.subnetIds.slice(0, zones.length) : [...configured.subnetIds];
    }
    const known = this.zonesByRegion.get(region) ?? new Set<string>();
    for (const zone of zones) known.add(zone);
    this.zonesByRegion.set(region, known);
    return [...zones].sort().map((zone) => out(logicalName(SHARED, "subnet", zone), "id"));
  }

  /** The subnets of the datastore VPC in `region` (configured, or topoplan's for the zones used so far). */
  vpcSubnets(region: string): pulumi.Input<string>[] {
    const configured = this.options.awsNetwork?.[region];
    if (isExistingNetwork(configured)) return [...configured.subnetIds];
    return [...(this.zonesByRegion.get(region) ?? [])]
      .sort()
      .map((zone) => out(logicalName(SHARED, "subnet", zone), "id"));
  }

  vpcId(region: string): pulumi.Input<string> {
    const configured = this.options.awsNetwork?.[region];
    if (isExistingNetwork(configured)) return configured.vpcId;
    if (!this.zonesByRegion.has(region)) this.zonesByRegion.set(region, new Set());
    return out(logicalName(SHARED, "vpc", region), "id");
  }

  /** Where callers connect from in `region`: configured caller CIDRs, else the created VPC's CIDR. */
  callerCidrs(region: string): string[] {
    const configured = this.options.awsNetwork?.[region];
    const path = `topoplan:network["${region}"].callerCidrs`;
    if (configured?.callerCidrs !== undefined) {
      const problems = cidrProblems(configured.callerCidrs, path);
      if (problems.length > 0) {
        this.problems.push(...problems);
        return [];
      }
      return [...configured.callerCidrs];
    }
    // A cluster configured in this region is admitted by its own CIDRs (pathCidrs).
    if (isExistingNetwork(configured) && configured.cluster === undefined) {
      this.problems.push(
        inputProblem(
          "aws/caller-cidrs-required",
          path,
          `an existing VPC (${configured.vpcId}) is configured for ${region} without callerCidrs; topoplan does not read VPC CIDRs from AWS, so it cannot tell whom to admit`,
          "set callerCidrs to the node or pod CIDRs of the Kubernetes clusters whose services call the datastores",
        ),
      );
      return [];
    }
    if (isExistingNetwork(configured)) return [];
    const own = vpcCidr(region);
    if (own === undefined) {
      this.problems.push(
        inputProblem(
          "aws/no-vpc-range",
          `topoplan:network["${region}"]`,
          `topoplan has no VPC range for ${region}`,
          `configure topoplan:network["${region}"] with vpcId, subnetIds and callerCidrs`,
        ),
      );
      return [];
    }
    return [own];
  }

  /**
   * A security group admitting exactly the declared callers on `port`: one ingress rule per
   * calling service, from the CIDRs callers connect from (the caller CIDRs, plus the CIDRs of the
   * configured clusters whose pods reach this VPC for that caller: paths.ts). No callers, no
   * ingress; never /0; no egress (the engines only answer connections, which security groups
   * allow statefully). With `members`, also `port` to and from the group itself, for network
   * interfaces placed in it (an MSK Replicator's: msk-replicator.ts).
   */
  securityGroup(
    component: string,
    region: string,
    port: number,
    callers: readonly string[],
    members?: string,
  ): string {
    const base = this.callerCidrs(region);
    const cidrsOf = (caller: string) =>
      [...new Set([...base, ...pathCidrs(this, component, region, caller)])].sort();
    return this.emit({
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: logicalName(component, "sg", region),
      region,
      component,
      args: {
        description: `topoplan ${this.model.name}/${component}: declared callers only`,
        vpcId: this.vpcId(region),
        ingress: [
          ...callers
            .filter((caller) => cidrsOf(caller).length > 0)
            .map((caller) => ({
              description: `${caller} calls ${component}`,
              protocol: "tcp",
              fromPort: port,
              toPort: port,
              cidrBlocks: cidrsOf(caller),
            })),
          ...(members === undefined ? [] : [selfRule(port, `${members} reach ${component}`)]),
        ],
        egress: members === undefined ? [] : [selfRule(port, `${members} reach ${component}`)],
        revokeRulesOnDelete: true,
        tags: this.tags(component),
      },
    });
  }

  /**
   * Alarm actions for `region`: the configured topic, or topoplan's own topic there (alarm-topic.ts),
   * created on first use and by compileAws in every region with AWS components.
   */
  alarmActions(region: string): pulumi.Input<string>[] {
    const configured = this.options.alarmTopicArns?.[region];
    if (configured !== undefined) return [configured];
    const name = logicalName(SHARED, "alarms", region);
    return [out(this.has(name) ? name : alarmTopic(this, region), "arn")];
  }

  /** A CloudWatch log group scoped to the stack, kept 30 days (an estimate of what incident review needs). */
  logGroup(component: string, region: string, kind: string): string {
    return this.emit({
      type: "aws:cloudwatch/logGroup:LogGroup",
      name: logicalName(component || SHARED, `${kind}-logs`, region),
      region,
      component,
      args: {
        name: `/topoplan/${this.physical([component || SHARED, kind, region], 400, "/")}`,
        retentionInDays: 30,
        tags: this.tags(component),
      },
    });
  }

  /** The CloudWatch name of a component's alarm in a region. */
  alarmName(component: string, key: string, region: string): string {
    return this.physical([component || SHARED, key, region], 255, "/");
  }

  alarm(spec: AlarmSpec): string {
    const skipped = this.skippedAlarm(spec);
    if (skipped !== undefined) return skipped;
    const { metricName, dimensions, statistic, ...rest } = spec;
    if (dimensions.length !== 1)
      return this.expressionAlarm({
        ...rest,
        metrics: dimensions.map((set, i) => ({ id: `m${i}`, metricName, statistic, dimensions: set })),
        expressions: [
          {
            id: "total",
            expression: `SUM([${dimensions.map((_, i) => `m${i}`).join(", ")}])`,
            label: `${metricName} (sum)`,
          },
        ],
      });
    return this.emitAlarm(spec, {
      namespace: spec.namespace,
      metricName,
      dimensions: dimensions[0],
      statistic,
      period: spec.periodSeconds ?? 60,
    });
  }

  /** A MetricAlarm with `spec`'s name, thresholds and actions, reading what `metric` gives. */
  private emitAlarm(
    spec: Omit<AlarmSpec, "metricName" | "dimensions" | "statistic">,
    metric: Readonly<Record<string, unknown>>,
  ): string {
    const actions = spec.notify === false ? [] : this.alarmActions(spec.region);
    return this.emit({
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      name: logicalName(spec.component || SHARED, `alarm-${spec.key}`, spec.region),
      region: spec.region,
      component: spec.component,
      args: {
        name: this.alarmName(spec.component, spec.key, spec.region),
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison ?? "GreaterThanThreshold",
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods ?? 5,
        datapointsToAlarm: spec.datapointsToAlarm ?? 3,
        treatMissingData: spec.treatMissingData ?? "notBreaching",
        ...(spec.warmUpMinutes === undefined
          ? {}
          : { warmUpConfiguration: { warmUpPeriodDurationInMinutes: spec.warmUpMinutes } }),
        ...(actions.length === 0 ? {} : { alarmActions: actions, okActions: actions }),
        tags: this.tags(spec.component),
        ...metric,
      },
      ...(spec.dependsOn === undefined ? {} : { options: { dependsOn: [...spec.dependsOn] } }),
    });
  }

  /**
   * An alarm on metric math: the metrics (ids `m0`…), then the expressions in order, the last one
   * what the alarm reads. At most 10 metrics (ALARM_METRICS_LIMIT).
   */
  expressionAlarm(spec: ExpressionAlarmSpec): string {
    const skipped = this.skippedAlarm(spec);
    if (skipped !== undefined) return skipped;
    const period = spec.periodSeconds ?? 60;
    if (spec.metrics.length > ALARM_METRICS_LIMIT)
      throw new Error(
        `${spec.key}: ${spec.metrics.length} metrics in one alarm (CloudWatch reads at most ${ALARM_METRICS_LIMIT})`,
      );
    const last = spec.expressions.length - 1;
    return this.emitAlarm(spec, {
      metricQueries: [
        ...spec.metrics.map((metric) => ({
          id: metric.id,
          returnData: false,
          metric: {
            namespace: spec.namespace,
            metricName: metric.metricName,
            dimensions: metric.dimensions,
            stat: metric.statistic,
            period,
          },
        })),
        ...spec.expressions.map((expression, i) => ({ ...expression, returnData: i === last })),
      ],
    });
  }

  /**
   * {@link RatioAlarmSpec}: FILL makes a period without events of one metric count 0 (DynamoDB
   * emits a per-operation metric only for operations that ran), IF the low-traffic guard.
   */
  ratioAlarm({ bad, good, minEvents, ...spec }: RatioAlarmSpec): string {
    const skipped = this.skippedAlarm(spec);
    if (skipped !== undefined) return skipped;
    const metrics = (prefix: string, sum: MetricSum): MetricQuery[] =>
      sum.dimensions.map((dimensions, i) => ({
        id: `${prefix}${i}`,
        metricName: sum.metricName,
        statistic: sum.statistic,
        dimensions,
      }));
    const [bads, goods] = [metrics("b", bad), metrics("g", good)];
    const ids = (queries: readonly MetricQuery[]) => queries.map((q) => q.id).join(", ");
    return this.expressionAlarm({
      ...spec,
      comparison: "GreaterThanOrEqualToThreshold",
      // The guard reads 0 when idle; no data at all is no burn either.
      treatMissingData: "notBreaching",
      metrics: [...bads, ...goods],
      expressions: [
        { id: "bad", expression: `SUM(FILL([${ids(bads)}], 0))` },
        { id: "events", expression: `bad + SUM(FILL([${ids(goods)}], 0))` },
        {
          id: "ratio",
          expression: `IF(events >= ${minEvents}, bad / events, 0)`,
          label: `${bad.metricName} / requests`,
        },
      ],
    });
  }

  /**
   * A composite alarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html):
   * its rule names the members by their CloudWatch names, so Pulumi creates them first.
   */
  compositeAlarm(spec: CompositeAlarmSpec): string {
    const skipped = this.skippedAlarm(spec);
    if (skipped !== undefined) return skipped;
    const actions = this.alarmActions(spec.region);
    const logical = (key: string) => logicalName(spec.component || SHARED, `alarm-${key}`, spec.region);
    return this.emit({
      type: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
      name: logical(spec.key),
      region: spec.region,
      component: spec.component,
      args: {
        alarmName: this.alarmName(spec.component, spec.key, spec.region),
        alarmDescription: spec.description,
        alarmRule: spec.rule((key) => this.alarmName(spec.component, key, spec.region)),
        alarmActions: actions,
        okActions: actions,
        tags: this.tags(spec.component),
      },
      options: { dependsOn: spec.members.map(logical) },
    });
  }

  widget(region: string, widget: Widget): void {
    // PutDashboard refuses a metric widget without metrics ("Should NOT have fewer than 1 items"),
    // and with it the region's whole dashboard (a single-region table's replication latency).
    if (widget.metrics.length === 0) return;
    const list = this.widgetsByRegion.get(region) ?? [];
    list.push(widget);
    this.widgetsByRegion.set(region, list);
  }

  /** Emits the deferred per-region resources (VPC + subnets, dashboards) and returns everything. */
  finish(): PlannedResource[] {
    for (const [region, zones] of [...this.zonesByRegion].sort(([a], [b]) => byText(a, b))) {
      this.emitVpc(region, [...zones].sort());
    }
    for (const [region, widgets] of [...this.widgetsByRegion].sort(([a], [b]) => byText(a, b))) {
      this.emit({
        type: "aws:cloudwatch/dashboard:Dashboard",
        name: logicalName(SHARED, "dashboard", region),
        region,
        component: "",
        args: {
          dashboardName: this.physical([region], 255),
          dashboardBody: dashboardBody(region, widgets),
        },
      });
    }
    return [...this.resources.values()];
  }

  private flowLogs(region: string, vpc: string): void {
    flowLogsOf(this, region, vpc);
  }

  private emitVpc(region: string, zones: readonly string[]): void {
    const cidr = vpcCidr(region);
    if (cidr === undefined) return; // reported by callerCidrs
    const vpc = this.emit({
      type: "aws:ec2/vpc:Vpc",
      name: logicalName(SHARED, "vpc", region),
      region,
      component: "",
      args: { cidrBlock: cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: this.tags("") },
    });
    this.flowLogs(region, vpc);
    for (const zone of zones) {
      const subnet = subnetCidr(region, zone);
      if (subnet === undefined) {
        this.problems.push(
          inputProblem(
            "aws/unknown-zone",
            `topoplan:network["${region}"]`,
            `zone "${zone}" does not follow the <region><letter> naming, so topoplan cannot give it a subnet`,
            `configure topoplan:network["${region}"] with existing subnets`,
          ),
        );
        continue;
      }
      this.emit({
        type: "aws:ec2/subnet:Subnet",
        name: logicalName(SHARED, "subnet", zone),
        region,
        component: "",
        // Private: no internet gateway, no public IPs; callers reach it over peering / transit.
        args: {
          vpcId: out(vpc, "id"),
          cidrBlock: subnet,
          availabilityZone: zone,
          mapPublicIpOnLaunch: false,
          tags: this.tags(""),
        },
      });
    }
  }
}

/** TCP on `port` between members of the security group itself. */
const selfRule = (port: number, description: string) => ({
  description,
  protocol: "tcp",
  fromPort: port,
  toPort: port,
  self: true,
});

/** VPC flow logs to CloudWatch Logs (VPC user guide, "Publish flow logs to CloudWatch Logs"). */
function flowLogsOf(ctx: AwsContext, region: string, vpc: string): void {
  const logs = ctx.logGroup("", region, "vpc-flow");
  const role = ctx.emit({
    type: "aws:iam/role:Role",
    name: logicalName(SHARED, "vpc-flow-logs-role", region),
    region,
    component: "",
    args: {
      description: `VPC flow logs of topoplan ${ctx.model.name} in ${region}`,
      assumeRolePolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      },
      tags: ctx.tags(""),
    },
  });
  ctx.emit({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: logicalName(SHARED, "vpc-flow-logs-policy", region),
    region,
    component: "",
    args: {
      role: out(role, "id"),
      policy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "logs:DescribeLogGroups",
              "logs:DescribeLogStreams",
            ],
            Resource: [out(logs, "arn"), concat(out(logs, "arn"), ":*")],
          },
        ],
      }),
    },
  });
  ctx.emit({
    type: "aws:ec2/flowLog:FlowLog",
    name: logicalName(SHARED, "vpc-flow-log", region),
    region,
    component: "",
    args: {
      vpcId: out(vpc, "id"),
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: out(logs, "arn"),
      iamRoleArn: out(role, "arn"),
      tags: ctx.tags(""),
    },
  });
}

/** Deterministic dashboard JSON: widgets ordered by component then title, two per row. */
export function dashboardBody(region: string, widgets: readonly Widget[]): string {
  const ordered = [...widgets].sort((a, b) => byText(a.component, b.component) || byText(a.title, b.title));
  return JSON.stringify({
    widgets: ordered.map((widget, i) => ({
      type: "metric",
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: `${widget.component}: ${widget.title}`,
        region,
        view: "timeSeries",
        stat: widget.stat,
        period: 60,
        metrics: widget.metrics,
        ...(widget.threshold === undefined
          ? {}
          : {
              annotations: { horizontal: [{ label: widget.threshold.label, value: widget.threshold.value }] },
            }),
      },
    })),
  });
}
