import { plaintextSecret } from "../../../policies/rules/plaintext-secret.js";
import { describeRule } from "../harness.js";

const api = (env: Record<string, string>) => ({
  name: "shop",
  services: {
    api: {
      regions: ["eu-west-1"],
      deploy: { target: "kubernetes" as const, image: "ghcr.io/acme/api:1.0.0", env },
    },
  },
});

describeRule(plaintextSecret, {
  compliant: [
    {
      // Each of these was an error: a reference to a credential, a data-model key, a count.
      name: "names that point at a credential, data-model keys, counts and switches",
      spec: api({
        POSTGRES_PASSWORD_FILE: "/run/secrets/postgres-password",
        DB_SECRET_NAME: "orders-db-credentials",
        PAYMENTS_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments",
        PARTITION_KEY: "customerId",
        CACHE_KEY: "cart",
        MAX_TOKENS: "4096",
        TOKEN_REFRESH: "true",
      }),
    },
    {
      // Where a credential is, or where one is got, and a key meant to be read.
      name: "a mounted key's path, a token endpoint and a public key",
      spec: api({
        TLS_KEY: "/etc/tls/tls.key",
        OAUTH_TOKEN_URL: "https://auth.example.com/oauth2/token",
        JWT_PUBLIC_KEY:
          "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE-----END PUBLIC KEY-----",
      }),
    },
    {
      // A switch whose name starts with PASS; a URL built from a Secret's variable in the pod.
      name: "PASS_ settings and Kubernetes' $(VAR) references",
      spec: api({
        PASS_HOST_HEADER: "true",
        DB_URL: "jdbc:postgresql://db:5432/app?user=app&password=$(DB_PASSWORD)",
        CACHE_URL: "redis://:$(REDIS_PASSWORD)@cache:6379",
        ADMIN_PASSWORD_COPY: "$(ADMIN_PASSWORD)",
      }),
    },
  ],
  noncompliant: [
    {
      name: "a password even when it is digits, a key, and a URL whose user is empty",
      spec: api({
        DB_PASSWORD: "1234",
        SIGNING_KEY: "k9f2-77ab",
        REDIS_URL: "redis://:S3cr3tP4ss@cache:6379",
      }),
      expect: [
        {
          path: "services.api.deploy.env.DB_PASSWORD",
          message:
            "DB_PASSWORD is named like a credential and given as a literal (4 characters, not shown): it would be written into every manifest and the Pulumi state",
        },
        {
          path: "services.api.deploy.env.SIGNING_KEY",
          message:
            "SIGNING_KEY is named like a credential and given as a literal (9 characters, not shown): it would be written into every manifest and the Pulumi state",
        },
        {
          path: "services.api.deploy.env.REDIS_URL",
          message:
            "REDIS_URL is set to what looks like a URL with a password and given as a literal (30 characters, not shown): it would be written into every manifest and the Pulumi state",
        },
      ],
    },
    {
      // RabbitMQ's image reads RABBITMQ_DEFAULT_PASS; JDBC URLs carry the password as a parameter.
      name: "a _PASS name, and a connection string with a password parameter",
      spec: api({
        RABBITMQ_DEFAULT_PASS: "s3cr3t-rabbit",
        SPRING_DATASOURCE_URL: "jdbc:postgresql://db:5432/app?user=app&password=hunter2",
      }),
      expect: [
        {
          path: "services.api.deploy.env.RABBITMQ_DEFAULT_PASS",
          message:
            "RABBITMQ_DEFAULT_PASS is named like a credential and given as a literal (13 characters, not shown): it would be written into every manifest and the Pulumi state",
        },
        {
          path: "services.api.deploy.env.SPRING_DATASOURCE_URL",
          message:
            "SPRING_DATASOURCE_URL is set to what looks like a connection string with a password and given as a literal (55 characters, not shown): it would be written into every manifest and the Pulumi state",
        },
      ],
    },
  ],
});
