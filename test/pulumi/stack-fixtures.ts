/**
 * Stack-file lines (under `config:`) that move eu-west-1's AWS datastores onto an existing VPC and
 * its subnets: a settings change alone that replaces the protected MSK cluster there.
 */
export const EXISTING_VPC_EU_WEST_1 = [
  "  topoplan:network:",
  "    eu-west-1:",
  "      vpcId: vpc-0123456789abcdef0",
  "      subnetIds: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2, subnet-0aaaaaaaaaaaaaaa3]",
  "      callerCidrs: [100.64.0.0/16]",
  "",
].join("\n");
