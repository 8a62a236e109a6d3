#!/usr/bin/env bash
# Compares govaudit's accessibility findings with axe-core's on the same local pages.
#
#   bench/compare-axe.sh [--keep] [--json FILE] [FILES|DIRS...]     (default: examples/site)
#
# Needs node (>= 18) and npm with access to the npm registry; not part of the test suite.
# Installs axe-core and jsdom into a temporary folder (removed at exit unless --keep; set
# AXE_COMPARE_DIR to reuse a folder between runs, AXE_CORE_VERSION / JSDOM_VERSION to pin
# versions; jsdom defaults to 26, the newest line that runs on node 18-20: jsdom 27+ pulls an
# undici that needs node's zstd, missing in node 20), audits the inputs with `govaudit audit --format json --only a11y --level AAA`,
# runs axe on every HTML file in jsdom (scripts not executed, like govaudit), and prints per
# rule: pages where both flag, only axe, only govaudit, and the "needs review" outcomes. axe
# rules with no govaudit counterpart are listed after the table.
#
# GOVAUDIT=/path/to/govaudit picks the binary; otherwise the script builds target/release.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

keep=0
json_out=""
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --json) shift; json_out="$(cd "$(dirname "${1:?--json needs a file}")" && pwd)/$(basename "$1")" ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) inputs+=("$1") ;;
  esac
  shift
done
[ ${#inputs[@]} -gt 0 ] || inputs=("$repo/examples/site")
# Absolute paths: the helper runs from the work folder.
abs=()
for i in "${inputs[@]}"; do
  [ -e "$i" ] || { echo "compare-axe: no such file or folder: $i" >&2; exit 2; }
  abs+=("$(cd "$(dirname "$i")" && pwd)/$(basename "$i")")
done
inputs=("${abs[@]}")

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "compare-axe: $tool is required" >&2; exit 2; }
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "compare-axe: node >= 18 is required (found $(node --version))" >&2
  exit 2
fi

work="${AXE_COMPARE_DIR:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/govaudit-axe.XXXXXX")"
  if [ "$keep" -eq 0 ]; then
    trap 'rm -rf "$work"' EXIT
  fi
fi
mkdir -p "$work"

want_jsdom="${JSDOM_VERSION:-26}"
have_jsdom="$(node -p "try{require('$work/node_modules/jsdom/package.json').version}catch(e){''}" 2>/dev/null || true)"
if [ ! -f "$work/node_modules/axe-core/axe.js" ] || [ "${have_jsdom%%.*}" != "${want_jsdom%%.*}" ]; then
  echo "compare-axe: installing axe-core and jsdom into $work ..." >&2
  (
    cd "$work"
    [ -f package.json ] || printf '{ "name": "govaudit-axe-compare", "private": true }\n' > package.json
    npm install --silent --no-audit --no-fund --no-save \
      "axe-core@${AXE_CORE_VERSION:-latest}" "jsdom@${JSDOM_VERSION:-26}" >&2
  )
fi

gov="${GOVAUDIT:-}"
if [ -z "$gov" ]; then
  echo "compare-axe: building govaudit (release) ..." >&2
  (cd "$repo" && cargo build --release --quiet)
  gov="$repo/target/release/govaudit"
fi

# govaudit's report and catalog. Exit code 1 only means "findings": not an error here.
set +e
"$gov" audit "${inputs[@]}" --format json --only a11y --level AAA --no-progress \
  --output "$work/govaudit.json"
status=$?
set -e
if [ "$status" -gt 1 ]; then
  echo "compare-axe: govaudit failed (exit $status)" >&2
  exit 2
fi
"$gov" rules --format json > "$work/catalog.json"

# The helper runs from the work folder so `require` finds axe-core and jsdom there.
cp "$here/compare-axe.js" "$work/compare-axe.js"
export COMPARE_CWD="$PWD"
cd "$work"
exec node compare-axe.js "$work/govaudit.json" "$work/catalog.json" "${json_out:-}" "${inputs[@]}"
