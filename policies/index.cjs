// Entry of the CrossGuard pack. Pulumi's run-policy-pack require()s this file (CommonJS) and awaits
// module.exports when it is a Promise; the pack itself is ESM TypeScript, loaded through tsx.
module.exports = import("tsx/esm/api").then(({ register }) => {
  register();
  return import("./crossguard.ts");
});
