import { z } from "zod";

export const RuleId = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: "must be a rule id such as residency" });

export const Suppression = z
  .strictObject({
    rule: RuleId,
    path: z
      .string()
      .min(1)
      .meta({ description: "Spec path of the finding, e.g. datastores.accounts.placement." }),
    reason: z.string().min(10, { error: "give a reason of at least 10 characters: why is this acceptable?" }),
  })
  .meta({ description: "Silence one finding, with a written reason." });

/**
 * Policy settings. Thresholds are flat `"<rule>.<setting>"` keys (e.g. `"bandwidth.headroom": 0.7`);
 * `disabled`, `severity` and `suppress` configure rules as a whole.
 */
export const PolicySettings = z
  .looseObject({
    disabled: z.array(RuleId).optional().meta({ description: "Rule ids to skip." }),
    severity: z
      .record(RuleId, z.enum(["error", "warning", "info"]))
      .optional()
      .meta({
        description: "Severity overrides by rule id.",
      }),
    suppress: z.array(Suppression).optional(),
  })
  .catchall(z.union([z.number(), z.string(), z.boolean()]))
  .meta({ description: 'Policy configuration; thresholds as "<rule>.<setting>" keys.' });

/** The authoring type of {@link PolicySettings}: thresholds are keys with a dot in them. */
export interface PolicySettingsInput {
  disabled?: string[] | undefined;
  severity?: Record<string, "error" | "warning" | "info"> | undefined;
  suppress?: z.input<typeof Suppression>[] | undefined;
  [setting: `${string}.${string}`]: number | string | boolean;
}
