import { randomInt } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RuntimeValue } from "../compile/plan.js";

/**
 * Letters and digits only: valid in every password field topoplan fills (RDS master passwords
 * refuse "/", "@", '"' and spaces) and in connection strings without escaping. 32 characters of
 * 62 symbols ≈ 190 bits.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const PASSWORD_LENGTH = 32;

export function generatePassword(length = PASSWORD_LENGTH): string {
  let password = "";
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/**
 * Resolves a plan's {@link RuntimeValue}s during one program run. A password is generated once
 * per key and run, with node:crypto, and is always a Pulumi secret (encrypted in the state,
 * masked in output). Each run generates a new one: the resources that use it ignore later
 * changes (`ignoreChanges`), so the value of the first deployment is the one that stays.
 */
export class RuntimeValues {
  private readonly passwords = new Map<string, pulumi.Output<string>>();
  private readonly accounts = new Map<pulumi.ProviderResource, pulumi.Output<string>>();

  /** `inner` resolves what a JSON document holds (refs and runtime values alike). */
  resolve(
    value: RuntimeValue,
    provider: pulumi.ProviderResource,
    inner: (value: unknown) => unknown,
  ): unknown {
    if (value.$runtime === "json") return pulumi.jsonStringify(pulumi.output(inner(value.value)));
    if (value.$runtime === "concat") return pulumi.concat(...(inner(value.parts) as pulumi.Input<string>[]));
    if (value.$runtime === "firstDefined") {
      const { what } = value;
      return pulumi.all(inner(value.values) as pulumi.Input<unknown>[]).apply((values) => {
        const held = values.find((v) => v !== undefined && v !== null && v !== "");
        if (held === undefined) throw new Error(`no resource in the Pulumi state holds ${what}`);
        return held;
      });
    }
    if (value.$runtime === "password") {
      let password = this.passwords.get(value.key);
      if (password === undefined) {
        password = pulumi.secret(generatePassword());
        this.passwords.set(value.key, password);
      }
      return password;
    }
    let account = this.accounts.get(provider);
    if (account === undefined) {
      account = aws.getCallerIdentityOutput({}, { provider }).accountId;
      this.accounts.set(provider, account);
    }
    return account;
  }
}
