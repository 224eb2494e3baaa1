#!/usr/bin/env bash
# Runs every test of the solution. Tests start their own private Azurite (tests/Shared), so this script only
# makes sure the tools are installed: Azurite from npm, NuGet packages, Chromium for browser tests.
# Its last line is the sum over all test projects: `N passed, N failed` (`, N skipped` when any were skipped).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
cd "$ROOT"

say() { printf '[test] %s\n' "$*"; }

command -v dotnet >/dev/null || { say "error: the .NET 10 SDK (dotnet) is not on PATH"; echo "0 passed, 1 failed"; exit 1; }

if [ ! -x node_modules/.bin/azurite ]; then
  say "installing Azurite from npm"
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error \
    || { say "error: npm could not install Azurite"; echo "0 passed, 1 failed"; exit 1; }
fi

# Browser tests drive Debian's Chromium; install it when absent (root on CI and developer machines).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  say "installing chromium (Debian package) for browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo -n"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || say "warning: could not install chromium; browser tests will report it"
fi

say "restoring"
dotnet restore Orchestrator.sln --nologo -v quiet || { say "error: dotnet restore failed"; echo "0 passed, 1 failed"; exit 1; }

RESULTS="$ROOT/TestResults/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RESULTS"
# Browser tests save their screenshots here (default: TestResults/screenshots under the test project's output).
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$RESULTS/screenshots}"
say "running tests (results: ${RESULTS#"$ROOT"/})"
# -m:1 runs the test projects one after another: the lifecycle tests run the domain clock at 20,000x, and a second suite
# loading the 2 cores at the same time can push a command past its domain day.
dotnet test Orchestrator.sln --no-restore --nologo -m:1 \
  --logger "trx" --results-directory "$RESULTS" "$@"
rc=$?

# Sum the <Counters> of every project's .trx file. A test project that produced no .trx (did not build,
# or its test host crashed) counts as one failure, so the line never reads better than the run was.
passed=0; failed=0; skipped=0; trx_count=0
while IFS= read -r -d '' trx; do
  trx_count=$((trx_count + 1))
  counters="$(tr -d '\n' < "$trx" | grep -o '<Counters [^>]*>' | head -n1)"
  attr() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0; }
  total="$(attr total)"; executed="$(attr executed)"
  p="$(attr passed)"; f="$(attr failed)"; e="$(attr error)"; t="$(attr timeout)"; a="$(attr aborted)"
  passed=$((passed + p)); failed=$((failed + f + e + t + a)); skipped=$((skipped + total - executed))
done < <(find "$RESULTS" -name '*.trx' -print0)

projects="$(grep -c 'IsTestProject>true' tests/*/*.csproj 2>/dev/null | awk -F: '{s+=$2} END {print s+0}')"
if [ "$trx_count" -lt "$projects" ]; then
  missing=$((projects - trx_count))
  say "error: $missing of $projects test projects reported no results (build failure or crashed test host; see above)"
  failed=$((failed + missing))
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  say "error: dotnet test exited with $rc"
  failed=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
