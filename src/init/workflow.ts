/**
 * The pull-request workflow `topoplan init` writes: the check as SARIF annotations and a PR
 * comment, and the semantic diff against the base branch. GitHub reads workflows only from
 * `.github/workflows` at the repository's root, so a project in a subfolder of a repository
 * (`topoplan init infra`) gets its workflow there, running in the subfolder.
 */

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
  // A YAML scalar, quoted: valid YAML for any of these paths.
  const q = (value: string) => JSON.stringify(value);
  const contents = `# topoplan on every pull request: the check as SARIF annotations and a PR comment, and the
# semantic diff against the base branch (destructive changes fail the job). No cloud credentials.
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
          set -uo pipefail
          # --no-install: never a package of that name from the registry, should it not be installed.
          if ! npx --no-install topoplan --version >/dev/null; then
            echo "::error::topoplan is not installed in ${folder ?? "the repository root"}: package.json must depend on it (npm ci installs it)"
            exit 1
          fi
          mkdir -p topoplan-out
          npx --no-install topoplan check topology.ts --format sarif --output topoplan-out/check.sarif; check=$?
          npx --no-install topoplan check topology.ts --format markdown --output topoplan-out/1-check.md || true
          # The base branch checked out inside this folder, so its topology.ts finds node_modules.
          git worktree add .topoplan-base "origin/$BASE_REF"
          diff=0
          if [ -f .topoplan-base/${fromRoot("topology.ts")} ]; then
            npx --no-install topoplan diff .topoplan-base/${fromRoot("topology.ts")} topology.ts --format markdown --output topoplan-out/2-diff.md; diff=$?
          fi
          git worktree remove --force .topoplan-base
          echo "status=$(( check != 0 || diff != 0 ))" >> "$GITHUB_OUTPUT"
      - name: Upload SARIF (PR annotations)
        if: always() && hashFiles('${fromRoot("topoplan-out/*.sarif")}') != ''
        continue-on-error: \${{ github.event.pull_request.head.repo.fork }}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${q(fromRoot("topoplan-out"))}
          category: ${q(`topoplan${id}`)}
      - name: PR comment
        if: always() && hashFiles('${fromRoot("topoplan-out/*.md")}') != ''
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require("node:fs");
            const marker = "${marker}";
            const out = "${fromRoot("topoplan-out")}";
            const parts = fs.readdirSync(out).filter((f) => f.endsWith(".md")).sort()
              .map((f) => fs.readFileSync(\`\${out}/\${f}\`, "utf8"));
            let body = \`\${marker}\\n\${parts.join("\\n---\\n\\n")}\`;
            // GitHub rejects comments over 65,536 characters.
            if (body.length > 65536) body = body.slice(0, 65400) + "\\n\\n_… truncated; see the job summary._\\n";
            const { owner, repo } = context.repo;
            const issue_number = context.issue.number;
            try {
              const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
              const mine = comments.find((c) => c.body && c.body.startsWith(marker));
              if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
              else await github.rest.issues.createComment({ owner, repo, issue_number, body });
            } catch (error) {
              if (error.status === 403 || error.status === 404) core.warning(\`PR comment skipped: \${error.message}\`);
              else throw error;
            }
      - name: Fail on error-level findings or destructive changes
        if: steps.check.outputs.status != '0'
        run: exit 1
`;
  return { path: `.github/workflows/topology-check${id}.yml`, contents };
}
