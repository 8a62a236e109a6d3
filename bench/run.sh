#!/usr/bin/env bash
# govaudit's benchmarks in one run, with the figures docs/performance.md records.
#
#   bench/run.sh [--quick] [--no-axe] [--no-crawl] [PAGES_DIR_OR_FILES...]
#
# PAGES default to ../shared/real-pages when it exists (saved real government pages), else
# examples/site. Steps, each printing its figures:
#   1. static pipeline (cargo bench --bench pipeline): html5ever parse-only floor and the full
#      audit (decode + parse + every rule + page report) on the same pages, 1 thread and all
#      cores, pages/s, MB/s and the ratio full / parse-only;
#   2. the release binary end to end (`govaudit audit DIR --format json`) over the pages
#      copied COPIES times (default 100) into a temp folder: pages/s, MB/s, peak RSS;
#   3. axe-core + jsdom (installed from npm into a temp folder) on the same pages, pages/s, and
#      the ratio govaudit / axe;
#   4. a 5 MB page with 100,000 elements through the binary (seconds, peak RSS);
#   5. the crawl bench (cargo bench --bench crawl): a 10,000-page loopback site, pages/s, peak
#      RSS, frontier memory for 100,000 URLs.
# --quick shortens the timed loops and the crawl (2,000 pages). Needs cargo; step 3 needs node
# (>= 18) and npm with registry access (skipped with a message otherwise). Environment:
# COPIES, AXE_SECONDS (minimum seconds for the axe loop, default 0: each page once),
# AXE_CORE_VERSION, JSDOM_VERSION (default 26, see compare-axe.sh), CRAWL_BENCH_PAGES.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
quick=0
axe=1
crawl=1
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-axe) axe=0 ;;
    --no-crawl) crawl=0 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) inputs+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")") ;;
  esac
  shift
done
if [ ${#inputs[@]} -eq 0 ]; then
  if [ -d "$repo/../shared/real-pages" ]; then
    inputs=("$(cd "$repo/../shared/real-pages" && pwd)")
  else
    inputs=("$repo/examples/site")
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/govaudit-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The pages as a flat list of files.
mapfile -t files < <(for i in "${inputs[@]}"; do
  if [ -d "$i" ]; then find "$i" -type f \( -name '*.html' -o -name '*.htm' -o -name '*.shtml' \) | sort; else echo "$i"; fi
done)
[ ${#files[@]} -gt 0 ] || { echo "bench: no pages in ${inputs[*]}" >&2; exit 2; }

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(rustc --version)"
echo "pages: ${#files[@]} files from ${inputs[*]}"

echo
echo "== 1. static pipeline: parse-only floor vs full audit (cargo bench --bench pipeline)"
budget=3
[ "$quick" -eq 1 ] && budget=1
(cd "$repo" && BENCH_SECONDS=$budget cargo bench --quiet --bench pipeline -- "${files[@]}")

echo
echo "== 2. release binary end to end"
(cd "$repo" && cargo build --quiet --release)
gov="$repo/target/release/govaudit"
copies="${COPIES:-100}"
[ "$quick" -eq 1 ] && copies="${COPIES:-20}"
mkdir -p "$work/copies"
for ((c = 0; c < copies; c++)); do
  mkdir -p "$work/copies/$c"
  n=0
  for f in "${files[@]}"; do
    cp "$f" "$work/copies/$c/$n-$(basename "$f")"
    n=$((n + 1))
  done
done
total_pages=$((copies * ${#files[@]}))
total_bytes=$(du -sb "$work/copies" | cut -f1)
if [ -x /usr/bin/time ]; then
  /usr/bin/time -o "$work/time.txt" -f '%e %M' "$gov" audit "$work/copies" --format json \
    --output "$work/report.json" --no-progress >/dev/null 2>&1 || true
  read -r secs rss < <(tail -1 "$work/time.txt")
  gov_pps=$(awk -v p="$total_pages" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
  echo "every rule: $total_pages pages ($copies copies), $(awk -v b="$total_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB: ${secs} s, ${gov_pps} pages/s, $(awk -v b="$total_bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1e6 / s }') MB/s, peak RSS $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB (report $(du -h "$work/report.json" | cut -f1))"
  # The accessibility family alone: what axe-core checks.
  /usr/bin/time -o "$work/time.txt" -f '%e %M' "$gov" audit "$work/copies" --format json --only a11y \
    --output "$work/report-a11y.json" --no-progress >/dev/null 2>&1 || true
  read -r secs rss < <(tail -1 "$work/time.txt")
  a11y_pps=$(awk -v p="$total_pages" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
  echo "--only a11y: ${secs} s, ${a11y_pps} pages/s, peak RSS $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
else
  start=$(date +%s.%N)
  "$gov" audit "$work/copies" --format json --output "$work/report.json" --no-progress >/dev/null 2>&1 || true
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  gov_pps=$(awk -v p="$total_pages" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
  a11y_pps=""
  echo "$total_pages pages: ${secs} s, ${gov_pps} pages/s (install GNU time for peak RSS)"
fi

echo
echo "== 3. axe-core + jsdom on the same pages"
if [ "$axe" -eq 1 ] && command -v node >/dev/null && command -v npm >/dev/null \
  && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ]; then
  (
    cd "$work"
    printf '{ "name": "govaudit-axe-speed", "private": true }\n' > package.json
    npm install --silent --no-audit --no-fund --no-save \
      "axe-core@${AXE_CORE_VERSION:-latest}" "jsdom@${JSDOM_VERSION:-26}" >&2
  ) && {
    cp "$here/axe-speed.js" "$work/"
    axe_json="$(cd "$work" && node axe-speed.js "${AXE_SECONDS:-0}" "${files[@]}")"
    echo "axe-core $(node -p "require('$work/node_modules/axe-core/package.json').version") + jsdom $(node -p "require('$work/node_modules/jsdom/package.json').version"): $axe_json"
    axe_pps=$(node -p "JSON.parse(process.argv[1]).pages_per_s" "$axe_json")
    echo "govaudit, every rule: ${gov_pps} pages/s vs axe+jsdom ${axe_pps} pages/s: $(awk -v g="$gov_pps" -v a="$axe_pps" 'BEGIN { printf "%.0f", g / a }') times faster"
    if [ -n "${a11y_pps:-}" ]; then
      echo "govaudit --only a11y: ${a11y_pps} pages/s: $(awk -v g="$a11y_pps" -v a="$axe_pps" 'BEGIN { printf "%.0f", g / a }') times faster"
    fi
  } || echo "axe step failed (npm registry unreachable?)"
else
  echo "skipped (--no-axe, or node >= 18 / npm missing)"
fi

echo
echo "== 4. one 5 MB page with 100,000 elements (release binary, whole process)"
{
  echo '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>大页面</title></head><body><main><h1>大页面</h1>'
  for ((i = 0; i < 1900; i++)); do
    printf '<div class="item"><h2>第%d组</h2><ul>' "$i"
    for ((j = 0; j < 24; j++)); do
      printf '<li><a href="/a/%d/%d.html">县政府关于政务公开的通知 %d-%d</a></li>' "$i" "$j" "$i" "$j"
    done
    printf '<p><img src="/i/%d.png">%s</p></div>\n' "$i" "各乡镇人民政府，县政府各部门：现将有关事项通知如下。"
  done
  echo '</main></body></html>'
} > "$work/big.html"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -o "$work/time.txt" -f '%e %M' "$gov" audit "$work/big.html" --format json \
    --output "$work/big.json" --no-progress >/dev/null 2>&1 || true
  read -r secs rss < <(tail -1 "$work/time.txt")
  echo "$(awk -v b="$(stat -c %s "$work/big.html")" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $(grep -o '<[a-z]' "$work/big.html" | wc -l) elements: ${secs} s (process total), peak RSS $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
fi

if [ "$crawl" -eq 1 ]; then
  echo
  echo "== 5. crawl of a loopback site (cargo bench --bench crawl)"
  pages=10000
  [ "$quick" -eq 1 ] && pages=2000
  (cd "$repo" && CRAWL_BENCH_PAGES="${CRAWL_BENCH_PAGES:-$pages}" cargo bench --quiet --bench crawl)
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
