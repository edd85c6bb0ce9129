import type { Model } from "../../model/types.js";
import type { AwsContext } from "./context.js";
import { logicalName, SHARED } from "./names.js";
import { awsAccountId, concat, jsonDocument, out } from "./typed.js";

/**
 * Regions that get alarm plumbing: every region of every AWS-deployed datastore and stream, not
 * only the regions where something alarms today. Which copy alarms follows roles (the lag alarm
 * of an Aurora secondary, the failed-replication alarm of an S3 source), so a topic made on first
 * alarm would come and go with `leader`, and each new topic starts with email subscriptions
 * pending confirmation: alarms notify nobody until someone clicks the link again.
 */
export function alarmRegions(model: Model): string[] {
  const regions = new Set<string>();
  for (const component of [...model.datastores, ...model.streams])
    if (component.deploy.target === "aws") for (const region of component.regions) regions.add(region);
  return [...regions].sort();
}

/**
 * topoplan's alarm topic in `region`, its key and the stack's subscriptions; returns the topic.
 *
 * The key is encrypted with a customer-managed key CloudWatch may use (SNS docs, "Encryption at
 * rest": alarms cannot publish to a topic under the AWS-managed key). It is not protected: SNS
 * keeps a message only until it is delivered, so nothing lasting is encrypted under it, and a
 * deleted key is only scheduled for deletion (30 days, cancellable) — protecting it would make
 * `pulumi up` refuse every change that removes a region's last AWS component.
 */
export function alarmTopic(ctx: AwsContext, region: string): string {
  const key = ctx.emit({
    type: "aws:kms/key:Key",
    name: logicalName(SHARED, "alarms-kms-key", region),
    region,
    component: "",
    args: {
      description: `topoplan ${ctx.model.name}: alarm topic key in ${region}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: concat("arn:aws:iam::", awsAccountId(), ":root") },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
          },
        ],
      }),
      tags: ctx.tags(""),
    },
  });
  const topic = ctx.emit({
    type: "aws:sns/topic:Topic",
    name: logicalName(SHARED, "alarms", region),
    region,
    component: "",
    args: { kmsMasterKeyId: out(key, "arn"), tags: ctx.tags("") },
  });
  for (const [i, subscription] of (ctx.options.alarmSubscriptions ?? []).entries()) {
    ctx.emit({
      type: "aws:sns/topicSubscription:TopicSubscription",
      name: logicalName(SHARED, `alarms-subscription-${i + 1}`, region),
      region,
      component: "",
      args: { topic: out(topic, "arn"), protocol: subscription.protocol, endpoint: subscription.endpoint },
    });
  }
  return topic;
}
