#!/usr/bin/env bash
# The body of action.yml: for every topology spec, `topoplan check` as SARIF and `topoplan diff`
# against BASE_REF as Markdown (or `check` as Markdown for a new spec), then one PR comment that
# fits GitHub's 65,536-character limit. Runs locally too:
#   TOPOPLAN="node bin/topoplan.js" SPECS="stacks/*.ts" BASE_REF=origin/main OUT=/tmp/review \
#     bash scripts/pr-review.sh
# POLICY_CONFIG and RULES (optional) name a policy configuration file and a rules module, given to
# every check and diff (diff applies them to both versions).
# Writes $OUT/sarif/*.sarif, $OUT/parts/*.md and $OUT/comment.md; sets the step outputs status,
# sarif-dir and comment-file. Exit 0: the verdict is in `status` (action.yml decides what fails).
set -uo pipefail
: "${TOPOPLAN:?set TOPOPLAN, e.g. npx --no-install topoplan}" "${SPECS:?set SPECS}" "${OUT:?set OUT}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outputs="${GITHUB_OUTPUT:-/dev/null}"
rm -rf "$OUT/sarif" "$OUT/parts" "$OUT/base"
mkdir -p "$OUT/sarif" "$OUT/parts"

base=""
cleanup() { if [ -n "$base" ]; then git worktree remove --force "$base" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
if [ -n "${BASE_REF:-}" ]; then
  git rev-parse --verify --quiet "$BASE_REF^{commit}" >/dev/null ||
    git fetch --no-tags --depth=1 origin "$BASE_REF" >/dev/null 2>&1 || true
  if git worktree add --detach "$OUT/base" "$BASE_REF" >/dev/null 2>&1; then
    base="$OUT/base"
    # A .ts spec imports from the tree it is in: the base tree shares the installed packages.
    if [ -d node_modules ] && [ ! -e "$base/node_modules" ]; then ln -s "$PWD/node_modules" "$base/node_modules"; fi
  else
    echo "::warning::base commit ${BASE_REF} is not reachable (check out with fetch-depth: 0); showing checks without diffs"
  fi
fi

shopt -s nullglob
specs=()
for pattern in $SPECS; do
  for file in $pattern; do
    case "$(basename "$file")" in Pulumi.*) continue ;; esac # Pulumi stack configs, not topologies
    specs+=("$file")
  done
done
if [ "${#specs[@]}" -eq 0 ]; then
  echo "::warning::no topology spec matches: $SPECS"
  echo "status=pass" >>"$outputs"
  exit 0
fi

# Each stack's part gets an equal share of the comment (room kept for the marker and separators).
share=$(((65536 - 400 - 16 * ${#specs[@]}) / ${#specs[@]}))
if [ "$share" -lt 2000 ]; then share=2000; fi # pr-comment.mjs drops whole parts past the limit

rank() { case "$1" in invalid) echo 3 ;; destructive) echo 2 ;; findings) echo 1 ;; *) echo 0 ;; esac; }
status=pass
worse() { if [ "$(rank "$1")" -gt "$(rank "$status")" ]; then status="$1"; fi; }

policy=()
if [ -n "${POLICY_CONFIG:-}" ]; then policy+=(--policy-config "$POLICY_CONFIG"); fi
if [ -n "${RULES:-}" ]; then policy+=(--rules "$RULES"); fi

index=0
for spec in "${specs[@]}"; do
  index=$((index + 1))
  name="$(printf "%03d-%s" "$index" "$(basename "$spec")" | tr -c "A-Za-z0-9._-" "_")"
  # Exit codes: 0 clean, 1 findings (check) / destructive (diff), 2 invalid input. Every stack is reported.
  $TOPOPLAN check "$spec" ${policy[@]+"${policy[@]}"} --format sarif --output "$OUT/sarif/$name.sarif"
  case $? in 0) ;; 1) worse findings ;; *) worse invalid ;; esac
  if [ -n "$base" ] && [ -f "$base/$spec" ]; then
    $TOPOPLAN diff "$base/$spec" "$spec" ${policy[@]+"${policy[@]}"} --format markdown --max-chars "$share" --output "$OUT/parts/$name.md"
    case $? in 0) ;; 1) worse destructive ;; *) worse invalid ;; esac
  else
    $TOPOPLAN check "$spec" ${policy[@]+"${policy[@]}"} --format markdown --max-chars "$share" --output "$OUT/parts/$name.md"
  fi
  [ -s "$OUT/parts/$name.md" ] || printf '## topoplan: `%s` could not be reviewed\n\nRun `topoplan check %s` locally.\n' \
    "$(basename "$spec" | tr -cd 'A-Za-z0-9._-')" "$(printf '%s' "$spec" | tr -cd 'A-Za-z0-9._/-')" >"$OUT/parts/$name.md"
done

node "$here/pr-comment.mjs" "$OUT/parts" "$status" >"$OUT/comment.md"
{
  echo "status=$status"
  echo "sarif-dir=$OUT/sarif"
  echo "comment-file=$OUT/comment.md"
} >>"$outputs"
echo "topoplan review: $status (${#specs[@]} spec(s)); comment in $OUT/comment.md"
