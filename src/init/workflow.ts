/**
 * The pull-request workflow `topoplan init` writes: the check as SARIF annotations and a PR
 * comment, and the semantic diff against the base branch. GitHub reads workflows only from
 * `.github/workflows` at the repository's root, so a project in a subfolder of a repository
 * (`topoplan init infra`) gets its workflow there, running in the subfolder.
 *
 * It does the job of action.yml (scripts/pr-review.sh) for the one topology.ts of a new project,
 * inline rather than through the action: the npm package does not ship action.yml, and the
 * workflow must run the topoplan the project installed (a `file:` checkout or tarball while
 * topoplan is unpublished), not whatever an action tag would bring.
 */
import { GITHUB_COMMENT_LIMIT } from "../report/fit.js";

/** Between the diff and the check in the comment. */
const SEPARATOR = "\n\n---\n\n";

/**
 * What the check keeps of the comment however long the diff is: its verdict and first findings
 * (the SARIF annotations have every one). At least 2,000, the smallest `--max-chars`.
 */
const CHECK_MIN_CHARS = 8_000;

/** Room kept for the note the join adds should a report run past its share (it never should). */
const NOTE_ROOM = 400;

/**
 * Folder paths the workflow can hold: `infra`, `deploy/topology`, `packages/@acme/infra`. Nothing
 * a shell, a JavaScript string or an Actions expression reads specially (no quote, space, `$`,
 * backslash); YAML values are quoted (`null`, `2024` or `@acme` would read as something else).
 */
export const WORKFLOW_FOLDER = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(\/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)*$/;

export interface Workflow {
  /** Where it goes, from the repository's root. */
  readonly path: string;
  readonly contents: string;
}

/**
 * The step's JavaScript (node, CommonJS) that writes `topoplan-out/comment.md` and
 * `topoplan-out/summary.md` from the reports in `topoplan-out/parts`, in file-name order (the diff
 * first). The comment keeps each report whole: one past its share is left out with a note, never
 * cut inside a table or a `<details>` block. The job summary has every report.
 */
function joinScript(marker: string): string {
  const limit = GITHUB_COMMENT_LIMIT.toLocaleString("en-US");
  return `// The PR comment and the job summary, from the reports in topoplan-out/parts.
const fs = require("node:fs");
const dir = "topoplan-out/parts";
const marker = ${JSON.stringify(marker)};
const separator = ${JSON.stringify(SEPARATOR)};
const parts = fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort().map((f) => ({
  name: f.replace(/^\\d+-|\\.md$/g, ""),
  text: fs.readFileSync(dir + "/" + f, "utf8").trimEnd(),
}));
const kept = [];
const left = [];
let length = marker.length + 1 + ${NOTE_ROOM};
for (const part of parts) {
  const cost = (kept.length > 0 ? separator.length : 0) + part.text.length;
  if (length + cost > ${GITHUB_COMMENT_LIMIT}) left.push(part.name);
  else {
    kept.push(part.text);
    length += cost;
  }
}
if (left.length > 0)
  kept.push("> **Left out to fit GitHub's ${limit}-character comment limit:** " + left.map((name) => "the " + name + " report").join(" and ") + "; the job summary has every report.");
const document = (texts) => marker + "\\n" + texts.join(separator) + "\\n";
if (parts.length > 0) {
  fs.writeFileSync("topoplan-out/comment.md", document(kept));
  fs.writeFileSync("topoplan-out/summary.md", document(parts.map((part) => part.text)));
}`;
}

const indent = (text: string, spaces: number) =>
  text
    .split("\n")
    .map((line) => " ".repeat(spaces) + line)
    .join("\n");

/**
 * The workflow of a project at the repository's root (`folder` undefined) or in `folder` (a path
 * from the root matching {@link WORKFLOW_FOLDER}): its own file, comment marker and SARIF category,
 * so several projects in one repository keep apart.
 */
export function pullRequestWorkflow(folder?: string): Workflow {
  if (folder !== undefined && !WORKFLOW_FOLDER.test(folder))
    throw new Error(`workflow folder ${JSON.stringify(folder)} is not a plain relative path`);
  // For the file name and the SARIF category: `packages/@acme/infra` is `packages-acme-infra`.
  const id = folder === undefined ? "" : `-${folder.replace(/[/@+]+/g, "-")}`;
  // Paths the run steps see from the folder; the others (hashFiles, actions' inputs) from the root.
  const fromRoot = (path: string) => (folder === undefined ? path : `${folder}/${path}`);
  const marker = `<!-- topoplan-check${folder === undefined ? "" : `:${folder}`} -->`;
  // GitHub rejects comments over 65,536 characters: each report gets its own share (`--max-chars`)
  // instead of a cut at a fixed offset, which can land inside a table or a <details> block.
  const room = GITHUB_COMMENT_LIMIT - (marker.length + 1) - SEPARATOR.length - NOTE_ROOM;
  // A YAML scalar, quoted: valid YAML for any of these paths.
  const q = (value: string) => JSON.stringify(value);
  const contents = `# topoplan on every pull request: the check as SARIF annotations, and the semantic diff against
# the base branch (destructive changes fail the job); both in one PR comment (the diff first, each
# within its share of GitHub's comment limit) and in the job summary. No cloud credentials.
${folder === undefined ? "" : `# The topoplan project is in ${folder}/ (topoplan init ${folder}); its run steps run there.\n`}name: ${q(`topology-check${folder === undefined ? "" : ` (${folder})`}`)}

on:
  pull_request:

permissions:
  contents: read
  security-events: write
  pull-requests: write
${
  folder === undefined
    ? ""
    : `
defaults:
  run:
    working-directory: ${q(folder)}
`
}
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
          cache-dependency-path: ${q(fromRoot("package-lock.json"))}
      - run: npm ci
      - name: check and diff
        id: check
        shell: bash
        env:
          BASE_REF: \${{ github.base_ref }}
        run: |
          # Every command runs and reports (GitHub starts this shell with -e: a check's exit 1
          # would end the step before the diff and the comment).
          set +e -uo pipefail
          # --no-install: never a package of that name from the registry, should it not be installed.
          if ! npx --no-install topoplan --version >/dev/null; then
            echo "::error::topoplan is not installed in ${folder ?? "the repository root"}: package.json must depend on it (npm ci installs it)"
            exit 1
          fi
          rm -rf topoplan-out
          mkdir -p topoplan-out/parts
          npx --no-install topoplan check topology.ts --format sarif --output topoplan-out/check.sarif; check=$?
          # The base branch checked out inside this folder, so its topology.ts finds node_modules.
          git worktree add .topoplan-base "origin/$BASE_REF"
          diff=0
          # The comment holds ${GITHUB_COMMENT_LIMIT} characters: the diff first (destructive changes are what a
          # reviewer must see), with all of them but ${CHECK_MIN_CHARS}; the check gets what the diff left.
          if [ -f .topoplan-base/${fromRoot("topology.ts")} ]; then
            npx --no-install topoplan diff .topoplan-base/${fromRoot("topology.ts")} topology.ts --format markdown --max-chars ${room - CHECK_MIN_CHARS} --output topoplan-out/parts/1-diff.md; diff=$?
          fi
          git worktree remove --force .topoplan-base
          # Characters as --max-chars counts them (UTF-16 code units), not bytes.
          share=$(node -p 'const f = "topoplan-out/parts/1-diff.md"; ${room} - (fs.existsSync(f) ? fs.readFileSync(f, "utf8").trimEnd().length + ${SEPARATOR.length} : 0)')
          npx --no-install topoplan check topology.ts --format markdown --max-chars "$share" --output topoplan-out/parts/2-check.md
          node - <<'JS'
${indent(joinScript(marker), 10)}
          JS
          echo "status=$(( check != 0 || diff != 0 ))" >> "$GITHUB_OUTPUT"
      - name: Upload SARIF (PR annotations)
        if: always() && hashFiles('${fromRoot("topoplan-out/*.sarif")}') != ''
        continue-on-error: \${{ github.event.pull_request.head.repo.fork }}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${q(fromRoot("topoplan-out"))}
          category: ${q(`topoplan${id}`)}
      - name: PR comment
        if: always() && hashFiles('${fromRoot("topoplan-out/comment.md")}') != ''
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require("node:fs");
            const marker = "${marker}";
            const out = "${fromRoot("topoplan-out")}";
            const body = fs.readFileSync(\`\${out}/comment.md\`, "utf8");
            const { owner, repo } = context.repo;
            const issue_number = context.issue.number;
            try {
              const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
              const mine = comments.find((c) => c.body && c.body.startsWith(marker));
              if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
              else await github.rest.issues.createComment({ owner, repo, issue_number, body });
            } catch (error) {
              // Pull requests from forks get a read-only token: the comment is skipped, the job summary has it.
              if (error.status === 403 || error.status === 404) core.warning(\`PR comment skipped: \${error.message}\`);
              else throw error;
            }
      - name: Job summary
        if: always() && hashFiles('${fromRoot("topoplan-out/summary.md")}') != ''
        run: cat topoplan-out/summary.md >> "$GITHUB_STEP_SUMMARY"
      - name: Fail on error-level findings or destructive changes
        if: steps.check.outputs.status != '0'
        run: exit 1
`;
  return { path: `.github/workflows/topology-check${id}.yml`, contents };
}
