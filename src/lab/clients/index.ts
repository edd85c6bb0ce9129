import type { EngineId } from "../../engines/types.js";
import { etcdDriver } from "./etcd.js";
import { postgresqlDriver } from "./postgresql.js";
import type { ClientDriver } from "./types.js";

/** Engines the lab can drive; an engine without a driver is reported as skipped, never faked. */
export const CLIENT_DRIVERS: Partial<Record<EngineId, ClientDriver>> = {
  etcd: etcdDriver,
  postgresql: postgresqlDriver,
};

export type { ClientDriver, ClientOptions, LabClient, LabEndpoint } from "./types.js";
