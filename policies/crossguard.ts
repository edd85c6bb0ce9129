/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policies`. The only file with a side effect
 * (`new PolicyPack` starts the analyzer's gRPC server); the policies live in crossguard-policies.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./crossguard-policies.js";

new PolicyPack("topoplan", { policies, enforcementLevel: "advisory" });
