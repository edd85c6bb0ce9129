// Runs a scaffolded project's Pulumi program (index.ts) under Pulumi's mocks, as `pulumi up` would
// call it, and prints what was registered as JSON. Copied into the temporary project by
// test/e2e/package.test.ts and run there with `node --import tsx`, so every import resolves from
// that project's node_modules (the packed topoplan), never from this repository.
import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";

const registered = [];
await pulumi.runtime.setMocks(
  {
    newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
    call: (a) => a.inputs,
  },
  "project",
  "dev",
  false,
);
pulumi.runtime.setAllConfig({
  "topoplan:clusters": JSON.stringify({ "eu-west-1": { context: "kind-eu-west-1" } }),
});
const monitor = pulumi.runtime.getMonitor();
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, cb) => {
  const record = {
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent(),
    protect: req.getProtect() ?? false,
    urn: "",
  };
  registered.push(record);
  return register(req, (err, resp) => {
    if (resp) record.urn = resp.getUrn();
    cb(err, resp);
  });
};

const program = (await import(pathToFileURL(`${process.cwd()}/index.ts`).href)).default;
const outputs = await pulumi.runtime.runInPulumiStack(async () => program());
await pulumi.runtime.waitForRPCs();
process.stdout.write(JSON.stringify({ outputs, registered }));
