// The CLI from source, exactly as bin/topoplan.js runs it from dist; used by the e2e tests only
// when dist/ is older than src/ (during development; `npm test` builds first).
import { dropOutputForClosedReaders, main, processIo } from "../../src/cli/main.js";

dropOutputForClosedReaders();
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
