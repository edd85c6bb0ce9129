import { describe, expect, it } from "vitest";
import { AWS_TOKENS } from "../../../src/compile/aws/index.js";

describe("the Pulumi adapter can instantiate every token the aws target emits", () => {
  it("has a constructor whose __pulumiType is the token", async () => {
    // Loads @pulumi/aws (a few seconds); the compiler itself never does.
    const { AWS_CLASSES } = await import("../../../src/pulumi/registry.js");
    for (const token of AWS_TOKENS) {
      const resourceClass = AWS_CLASSES[token] as unknown as { __pulumiType?: string } | undefined;
      expect(resourceClass?.__pulumiType, token).toBe(token);
    }
  });
});
