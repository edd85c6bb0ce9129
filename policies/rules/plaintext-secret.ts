import { formatPath, parsePath } from "../../src/diagnostics/diagnostic.js";
import type { Finding, Rule } from "../types.js";

/** Variable names that hold credentials by convention. */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|(^|_)KEY$|(^|_)PWD$|(^|_)PASS$)/i;

/**
 * Names that point at a credential rather than hold one (`POSTGRES_PASSWORD_FILE`, the official
 * images' documented way to read a mounted Secret; `DB_SECRET_NAME`, `…_SECRET_ARN`), or at where
 * one is got (`OAUTH_TOKEN_URL`, `…_ENDPOINT`: a URL holding a password is still caught by its
 * value), keys that are data-model words, not keys to anything (`PARTITION_KEY`, `SORT_KEY`,
 * `CACHE_KEY`, …), and public keys, which are meant to be read.
 */
const REFERENCE_NAME =
  /(_FILE|_PATH|_DIR|_NAME|_ARN|_REF|_ID|_URL|_URI|_ENDPOINT)$|(^|_)(PARTITION|SORT|HASH|SHARD|ROUTING|CACHE|PRIMARY|FOREIGN|IDEMPOTENCY|DEDUP(LICATION)?)_KEY$|(^|_)PUB(LIC)?_?KEY$/i;

/**
 * A count, a size or a switch (`MAX_TOKENS: "4096"`, `TOKEN_REFRESH: "true"`) under a TOKEN or KEY
 * name is a setting; under a password's name even "1234" is a password.
 */
const SETTING_VALUE = /^\s*(-?\d+(\.\d+)?\s*([a-z]{1,3})?|true|false|yes|no|on|off)\s*$/i;
/** An absolute path (`TLS_KEY: /etc/tls/tls.key`): where a mounted credential is, under a KEY or TOKEN name. */
const PATH_VALUE = /^\/[^\s]*$/;
const PASSWORD_NAME = /(PASS|PWD|SECRET|CREDENTIAL)/i;

/**
 * Values that are credentials whatever their name: provider key formats (AWS access key ids,
 * GitHub, Slack, Stripe, Google API keys), PEM private keys, JWTs, and URLs with a password.
 */
const SECRET_VALUES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, "a GitHub token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\b[sr]k_(live|test)_[A-Za-z0-9]{16,}/, "a Stripe key"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a PEM private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JSON Web Token"],
  // The user may be empty (`redis://:password@host`, Redis' own URL form).
  [/^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:(?!\$\()[^\s/@]+@/i, "a URL with a password"],
  // JDBC and libpq-style connection strings carry it as a parameter (`?user=app&password=…`).
  [/[?&;\s](password|pwd)=(?!\$\()[^&;\s]+/i, "a connection string with a password"],
];

/** A placeholder is not a secret: `""`, `changeme` in a local stack still names the problem. */
const looksLikeValue = (value: string) => value.trim() !== "";

/** A credential's name, not a reference to one nor a key of the data model, and a value that is not a setting. */
/**
 * Kubernetes' dependent environment variable, `$(DB_PASSWORD)`: the value of another variable
 * (a Secret's, by `secretRef`), expanded in the pod; the literal holds no credential.
 */
const VARIABLE_REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_]*\)/;

const namedLikeCredential = (name: string, value: string) =>
  !VARIABLE_REFERENCE.test(value) &&
  SECRET_NAME.test(name) &&
  !REFERENCE_NAME.test(name) &&
  (PASSWORD_NAME.test(name) || !(SETTING_VALUE.test(value) || PATH_VALUE.test(value)));

/** Credentials belong in Secrets: a literal is copied into every rendered manifest and the Pulumi state. */
export const plaintextSecret: Rule = {
  id: "plaintext-secret",
  title: "Credentials come from Secrets, not literals",
  severity: "error",
  docs: {
    why: "A literal in `deploy.env` is written verbatim into every rendered Deployment, the Pulumi state and the pull request that changes it: anyone who can read the repository can read the credential.",
    how: "An environment variable whose name says it holds a credential (PASSWORD, SECRET, TOKEN, KEY, …) and has a literal value, or any value in a known credential format (AWS access key id, GitHub/Slack/Stripe/Google tokens, PEM private keys, JWTs, URLs and connection strings with a password). Not a name that points at one (`…_FILE`, `…_PATH`, `…_DIR`, `…_NAME`, `…_ARN`, `…_REF`, `…_ID`, `…_URL`, `…_URI`, `…_ENDPOINT`), a data-model key (`PARTITION_KEY`, `SORT_KEY`, …), a public key, a value built from another variable in the pod (`$(DB_PASSWORD)`, Kubernetes' dependent variables: a Secret's by `secretRef`), nor a number, a switch or an absolute path under a TOKEN or KEY name (`MAX_TOKENS: 4096`, `TLS_KEY: /etc/tls/tls.key`); under a password's name (PASS, PWD, SECRET, CREDENTIAL) any value counts.",
    fix: "Store the value in a Kubernetes Secret and reference it: `DB_PASSWORD: { secretRef: { name: db-credentials, key: password } }` (docs/secrets.md; AWS Secrets Manager values reach pods through the External Secrets Operator).",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const component of [...model.datastores, ...model.services, ...model.streams]) {
      const deploy = component.deploy;
      if (deploy.target !== "kubernetes") continue;
      for (const [name, value] of Object.entries(deploy.env ?? {})) {
        if (typeof value !== "string" || !looksLikeValue(value)) continue;
        const format = SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
        if (format === undefined && !namedLikeCredential(name, value)) continue;
        const path = formatPath([...parsePath(component.path), "deploy", "env", name]);
        const secret = `${component.name}-${name.toLowerCase().replace(/_/g, "-")}`.slice(0, 63);
        findings.push({
          path,
          message: `${name} is ${format === undefined ? "named like a credential" : `set to what looks like ${format}`} and given as a literal (${value.length} characters, not shown): it would be written into every manifest and the Pulumi state`,
          fix: `create a Secret (kubectl create secret generic ${secret} --from-literal=value=…) and write ${name}: { secretRef: { name: ${secret}, key: value } }`,
        });
      }
    }
    return findings;
  },
};
