#!/usr/bin/env bash
# The body of action.yml: for every topology spec, `topoplan check` as SARIF and `topoplan diff`
# against BASE_REF as Markdown (or `check` as Markdown for a new spec), then one PR comment that
# fits GitHub's 65,536-character limit. Runs locally too:
#   TOPOPLAN="node bin/topoplan.js" SPECS="stacks/*.ts" BASE_REF=origin/main OUT=/tmp/review \
#     bash scripts/pr-review.sh
# POLICY_CONFIG and RULES (optional) name a policy configuration file and a rules module, given to
# every check and diff (diff applies them to both versions). A spec named by Pulumi stack files
# (topoplan:topology in Pulumi.<stack>.yaml, in Pulumi.yaml's stackConfigDir) is diffed once per
# stack with both versions' settings.
# Writes $OUT/sarif/*.sarif, $OUT/parts/*.md and $OUT/comment.md; sets the step outputs status,
# sarif-dir and comment-file. Exit 0: the verdict is in `status` (action.yml decides what fails).
# Runs in the project folder (the action's working-directory): SPECS are relative to it, and the
# base commit's copy of the project is at the same place inside the base worktree.
set -uo pipefail
: "${TOPOPLAN:?set TOPOPLAN, e.g. npx --no-install topoplan}" "${SPECS:?set SPECS}" "${OUT:?set OUT}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outputs="${GITHUB_OUTPUT:-/dev/null}"
rm -rf "$OUT/sarif" "$OUT/parts" "$OUT/base"
mkdir -p "$OUT/sarif" "$OUT/parts"

# Where this folder is inside the repository ("" at its root, "infra/" in a subfolder).
prefix="$(git rev-parse --show-prefix 2>/dev/null || true)"
rank() { case "$1" in error) echo 4 ;; invalid) echo 3 ;; destructive) echo 2 ;; findings) echo 1 ;; *) echo 0 ;; esac; }
status=pass
worse() { if [ "$(rank "$1")" -gt "$(rank "$status")" ]; then status="$1"; fi; }
finish() {
  node "$here/pr-comment.mjs" "$OUT/parts" "$status" "${prefix%/}" >"$OUT/comment.md"
  {
    echo "status=$status"
    echo "sarif-dir=$OUT/sarif"
    echo "comment-file=$OUT/comment.md"
  } >>"$outputs"
  echo "topoplan review: $status ($1); comment in $OUT/comment.md"
}

# topoplan itself must run: a missing install exits 1 too (npx), which would read as findings or
# a destructive change.
if ! $TOPOPLAN --version >/dev/null; then
  shown="$(printf '%s' "$TOPOPLAN" | tr -cd 'A-Za-z0-9 ._/=-')"
  echo "::error::topoplan did not run: \`$shown --version\` failed (above). Install it in this job (npm ci in the project that depends on it) or set the action's topoplan input."
  printf '## topoplan did not run\n\n`%s --version` failed in `%s` (the job log has its error): nothing was checked. Install topoplan in this job (`npm ci` in the project that depends on it, with the action'"'"'s `working-directory` set to that project) or set the action'"'"'s `topoplan` input.\n' \
    "$shown" "$(printf '%s' "${prefix:-.}" | tr -cd 'A-Za-z0-9._/-')" >"$OUT/parts/000-topoplan.md"
  status=error
  finish "topoplan did not run"
  exit 0
fi

base=""
cleanup() { if [ -n "$base" ]; then git worktree remove --force "$OUT/base" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
if [ -n "${BASE_REF:-}" ]; then
  git rev-parse --verify --quiet "$BASE_REF^{commit}" >/dev/null ||
    git fetch --no-tags --depth=1 origin "$BASE_REF" >/dev/null 2>&1 || true
  if git worktree add --detach "$OUT/base" "$BASE_REF" >/dev/null 2>&1; then
    base="$OUT/base${prefix:+/${prefix%/}}"
    # A .ts spec imports from the tree it is in: the base copy of this folder shares its installed
    # packages, and of the repository's root those hoisted there (npm workspaces).
    if [ -d node_modules ] && [ -d "$base" ] && [ ! -e "$base/node_modules" ]; then ln -s "$PWD/node_modules" "$base/node_modules"; fi
    top="$(git rev-parse --show-toplevel)"
    if [ -n "$prefix" ] && [ -d "$top/node_modules" ] && [ ! -e "$OUT/base/node_modules" ]; then ln -s "$top/node_modules" "$OUT/base/node_modules"; fi
  else
    echo "::warning::base commit ${BASE_REF} is not reachable (check out with fetch-depth: 0); showing checks without diffs"
  fi
fi

shopt -s nullglob
specs=()
for pattern in $SPECS; do
  for file in $pattern; do
    case "$(basename "$file")" in Pulumi.*) continue ;; esac # Pulumi stack configs, not topologies
    # A plain path this commit does not have: removed (below, against the base), or a typo.
    if [ ! -e "$file" ]; then
      if [ -z "$base" ] || [ ! -e "$base/$file" ]; then echo "::warning::no spec at $(printf '%s' "$file" | tr -cd 'A-Za-z0-9._/*-')"; fi
      continue
    fi
    specs+=("$file")
  done
done
# Specs the base commit has and this one does not: deleted or moved by the change, which takes
# every datastore and stream of the stack with them — the most destructive change there is.
removed=()
if [ -n "$base" ] && [ -d "$base" ]; then
  # The patterns as written, every line of SPECS: `for pattern in $SPECS` would glob them here first.
  set -f
  patterns=($SPECS)
  set +f
  for pattern in ${patterns[@]+"${patterns[@]}"}; do
    for file in "$base"/$pattern; do
      # A plain path that exists in neither commit is nothing removed.
      [ -e "$file" ] || continue
      rel="${file#"$base"/}"
      case "$(basename "$rel")" in Pulumi.*) continue ;; esac
      if [ ! -e "$rel" ] && [[ " ${removed[*]-} " != *" $rel "* ]]; then removed+=("$rel"); fi
    done
  done
fi
if [ "${#specs[@]}" -eq 0 ] && [ "${#removed[@]}" -eq 0 ]; then
  echo "::warning::no topology spec matches: $SPECS"
  echo "status=pass" >>"$outputs"
  exit 0
fi

# The Pulumi stack files (Pulumi.<stack>.yaml, in Pulumi.yaml's stackConfigDir) whose
# topoplan:topology is this spec and that the base has too: diff compiles each version with its
# settings, so a change of settings alone (an existing VPC, other subnets) shows what it replaces.
# Values are read as `key: value` lines, a trailing comment and quotes dropped.
yaml_value() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$2" | head -n 1 | sed 's/[[:space:]]#.*$//' | tr -d "\"'\r" | sed 's/[[:space:]]*$//'; }
config_dir="."
if [ -f Pulumi.yaml ]; then
  config_dir="$(yaml_value stackConfigDir Pulumi.yaml)"
  config_dir="${config_dir:-.}"
fi
stack_files_of() {
  local file named
  for file in "$config_dir"/Pulumi.*.yaml; do
    named="$(yaml_value topoplan:topology "$file")"
    if [ "${named#./}" = "${1#./}" ] && [ -n "$base" ] && [ -f "$base/$file" ]; then printf '%s\n' "${file#./}"; fi
  done
}

# Each part (a spec, or each of its stack files) gets an equal share of the comment (room kept
# for the marker and separators).
parts=${#removed[@]}
for spec in ${specs[@]+"${specs[@]}"}; do
  count="$(stack_files_of "$spec" | wc -l)"
  if [ "$count" -gt 1 ] && [ -f "$base/$spec" ]; then parts=$((parts + count)); else parts=$((parts + 1)); fi
done
share=$(((65536 - 400 - 16 * parts) / parts))
if [ "$share" -lt 2000 ]; then share=2000; fi # pr-comment.mjs drops whole parts past the limit

policy=()
if [ -n "${POLICY_CONFIG:-}" ]; then policy+=(--policy-config "$POLICY_CONFIG"); fi
if [ -n "${RULES:-}" ]; then policy+=(--rules "$RULES"); fi

# A part that topoplan did not write (a crash, a killed process) says so, naming the spec and stack.
unreviewed() {
  [ -s "$OUT/parts/$2.md" ] && return
  local with=""
  if [ -n "$3" ]; then with=" with $(printf '%s' "$3" | tr -cd 'A-Za-z0-9._/-')"; fi
  printf '## topoplan: `%s` could not be reviewed%s\n\nRun `topoplan check %s` locally.\n' \
    "$(basename "$1" | tr -cd 'A-Za-z0-9._-')" "$with" "$(printf '%s' "$1" | tr -cd 'A-Za-z0-9._/-')" >"$OUT/parts/$2.md"
}

index=0
for spec in ${specs[@]+"${specs[@]}"}; do
  index=$((index + 1))
  name="$(printf "%03d-%s" "$index" "$(basename "$spec")" | tr -c "A-Za-z0-9._-" "_")"
  # Exit codes: 0 clean, 1 findings (check) / destructive (diff), 2 invalid input. Every stack is reported.
  # An exit 0 or 1 with nothing written is not topoplan's verdict (a crash, a killed process).
  $TOPOPLAN check "$spec" ${policy[@]+"${policy[@]}"} --format sarif --output "$OUT/sarif/$name.sarif"
  code=$?
  if [ "$code" -le 1 ] && [ ! -s "$OUT/sarif/$name.sarif" ]; then code=3; fi
  case $code in 0) ;; 1) worse findings ;; 2) worse invalid ;; *) worse error ;; esac
  if [ -n "$base" ] && [ -f "$base/$spec" ]; then
    stack_files=()
    while IFS= read -r file; do stack_files+=("$file"); done < <(stack_files_of "$spec")
    # One diff per stack with its settings (none: one with the defaults).
    for stack_file in "${stack_files[@]-}"; do
      part="$name"
      settings=()
      if [ -n "$stack_file" ]; then
        settings=(--base-stack-config "$base/$stack_file" --stack-config "$stack_file")
        if [ "${#stack_files[@]}" -gt 1 ]; then part="$name-$(basename "$stack_file" .yaml | tr -c "A-Za-z0-9._-" "_")"; fi
      fi
      $TOPOPLAN diff "$base/$spec" "$spec" ${policy[@]+"${policy[@]}"} ${settings[@]+"${settings[@]}"} --format markdown --max-chars "$share" --output "$OUT/parts/$part.md"
      code=$?
      if [ "$code" -le 1 ] && [ ! -s "$OUT/parts/$part.md" ]; then code=3; fi
      case $code in 0) ;; 1) worse destructive ;; 2) worse invalid ;; *) worse error ;; esac
      unreviewed "$spec" "$part" "$stack_file"
    done
  else
    $TOPOPLAN check "$spec" ${policy[@]+"${policy[@]}"} --format markdown --max-chars "$share" --output "$OUT/parts/$name.md"
    unreviewed "$spec" "$name" ""
  fi
done

for spec in ${removed[@]+"${removed[@]}"}; do
  index=$((index + 1))
  name="$(printf "%03d-%s" "$index" "$(basename "$spec")" | tr -c "A-Za-z0-9._-" "_")"
  # What the stack holds, from the base commit's copy (names are DNS labels: nothing to escape).
  held="$($TOPOPLAN check "$base/$spec" ${policy[@]+"${policy[@]}"} --format json 2>/dev/null | node -e '
    let text = "";
    process.stdin.on("data", (c) => (text += c)).on("end", () => {
      try {
        const a = JSON.parse(text).analysis ?? {};
        const names = [...(a.datastores ?? []), ...(a.streams ?? [])].map((c) => "`" + c.name + "`");
        process.stdout.write(names.join(", "));
      } catch {}
    });')"
  worse destructive
  {
    printf '## topoplan: `%s` is removed\n\n' "$(printf '%s' "$spec" | tr -cd 'A-Za-z0-9._/-')"
    printf '❌ **The spec file is deleted or moved by this change.** Its stack loses its definition: the datastores and streams it declares'
    if [ -n "$held" ]; then printf ' (%s)' "$held"; fi
    printf ' are no longer planned. Pulumi refuses to delete them while they are protected and, once unprotected, forgets them without deleting them (retainOnDelete): still running and billed, outside what topoplan plans and checks.\n\n'
    printf 'If the file moved, its new path is reviewed here as a new spec: point the stack at it and keep the components'"'"' names. If the stack is retired on purpose, migrate or back up the data, then delete what it held by hand.\n'
  } >"$OUT/parts/$name.md"
done

finish "${#specs[@]} spec(s)${removed[0]+, ${#removed[@]} removed}"
