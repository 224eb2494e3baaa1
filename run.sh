#!/usr/bin/env bash
# Starts Orchestrator on this machine (or, as `./run.sh replay-check [--prefix P] [--sample N]`, runs the replay
# gate against the configured task hub and exits with its status): restores and builds, installs Azurite from npm when absent, starts
# Azurite on loopback with on-disk data (unless one already listens on the configured ports), then serves on
# http://127.0.0.1:7071 (setting Host:Urls) until stopped with Ctrl-C. Stops the Azurite it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")" && pwd)"
cd "$ROOT"

say() { printf '[run] %s\n' "$*"; }
die() { printf '[run] error: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
command -v node >/dev/null || die "Node.js (node) is not on PATH; it runs Azurite"
command -v npm >/dev/null || die "npm is not on PATH; it installs Azurite"

# 1. Settings: local.settings.json is created from the documented sample when missing.
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  say "created local.settings.json from local.settings.sample.json (edit it to change settings)"
fi

# 2. Azurite from npm, pinned in package.json / package-lock.json.
if [ ! -x node_modules/.bin/azurite ]; then
  say "installing Azurite from npm"
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi

# 3. Restore and build the host.
say "building"
dotnet build selfhost/Orchestrator.SelfHost.csproj --nologo -v quiet -clp:ErrorsOnly

# 4. Which storage the host will use: environment variables override local.settings.json, as in the host.
read -r CONN < <(node -e '
  const fs = require("fs");
  let s = {};
  try { s = JSON.parse(fs.readFileSync("local.settings.json", "utf8")); } catch (e) {
    console.error("[run] error: local.settings.json is not valid JSON: " + e.message); process.exit(2); }
  const v = s.Values || {};
  const pick = (flat, ...path) => {
    let x = s; for (const p of path) x = (x && typeof x === "object") ? x[p] : undefined;
    return process.env[flat] ?? v[flat] ?? v[path.join(":")] ?? x;
  };
  const conn = pick("Durable__AzureStorage__ConnectionString", "Durable", "AzureStorage", "ConnectionString") || "UseDevelopmentStorage=true";
  console.log(conn.replace(/\s+/g, ""));
')

AZURITE_PID=""
cleanup() {
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    say "stopping Azurite (pid $AZURITE_PID)"
    kill -TERM "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$AZURITE_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if true; then
  # Ports come from the connection string's endpoints (UseDevelopmentStorage=true means 10000/10001/10002).
  port_of() {
    local name="$1" default="$2" ep
    ep="$(printf '%s' "$CONN" | tr ';' '\n' | sed -n "s/^${name}=//p" | head -n1)"
    if [ -z "$ep" ]; then echo "$default"; return; fi
    case "$ep" in
      http://127.0.0.1:*|http://localhost:*) printf '%s' "$ep" | sed -E 's#^http://[^:/]+:([0-9]+).*#\1#' ;;
      *) echo "" ;;
    esac
  }
  BLOB_PORT="$(port_of BlobEndpoint 10000)"; QUEUE_PORT="$(port_of QueueEndpoint 10001)"; TABLE_PORT="$(port_of TableEndpoint 10002)"
  if [ -z "$BLOB_PORT" ] || [ -z "$QUEUE_PORT" ] || [ -z "$TABLE_PORT" ]; then
    say "the storage connection string points away from this machine; not starting Azurite"
  else
    up=0
    for p in "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"; do listening "$p" && up=$((up + 1)); done
    if [ "$up" -eq 3 ]; then
      say "Azurite (or another storage emulator) already listens on 127.0.0.1:$BLOB_PORT/$QUEUE_PORT/$TABLE_PORT; using it"
    elif [ "$up" -gt 0 ]; then
      die "some but not all of the ports $BLOB_PORT/$QUEUE_PORT/$TABLE_PORT are in use on 127.0.0.1; stop what holds them or change the endpoints in Durable:AzureStorage:ConnectionString"
    else
      mkdir -p .azurite
      say "starting Azurite on 127.0.0.1:$BLOB_PORT/$QUEUE_PORT/$TABLE_PORT with data in .azurite/ (log: .azurite/azurite.log)"
      node_modules/.bin/azurite --location "$ROOT/.azurite" --disableTelemetry --skipApiVersionCheck \
        --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
        --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
        --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" \
        >>"$ROOT/.azurite/azurite.log" 2>&1 &
      AZURITE_PID=$!
      for _ in $(seq 1 100); do
        up=0
        for p in "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"; do listening "$p" && up=$((up + 1)); done
        [ "$up" -eq 3 ] && break
        kill -0 "$AZURITE_PID" 2>/dev/null || die "Azurite exited at start; see .azurite/azurite.log"
        sleep 0.2
      done
      [ "$up" -eq 3 ] || die "Azurite did not open its ports within 20 s; see .azurite/azurite.log"
    fi
  fi
fi

# 5. Serve until Ctrl-C (or SIGTERM). Development by default: diagnostic orchestrations on, local.settings.json read.
# The host runs as a child that this script waits for, so a signal reaches the traps at once; they stop the host
# gracefully (SIGTERM), then the EXIT trap stops the Azurite this script started.
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
HOST_DLL="$(dotnet msbuild selfhost/Orchestrator.SelfHost.csproj -nologo -getProperty:TargetPath)"
[ -f "$HOST_DLL" ] || die "the build did not produce $HOST_DLL"
if [ "${1:-}" = "replay-check" ]; then
  # The replay gate (README: "Changing an orchestrator safely"): replays the hub's live instances against this build
  # and exits 1 when any would diverge; the script exits with its status.
  say "replay-check: replaying the live instances of the configured task hub against this build"
else
  say "serving on the URLs below (Ctrl-C stops); development keys: see README.md"
fi
(cd selfhost && exec dotnet "$HOST_DLL" "$@") &
HOST_PID=$!
stop_host() {
  if kill -0 "$HOST_PID" 2>/dev/null; then
    kill -TERM "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
  fi
}
trap 'stop_host; exit 130' INT
trap 'stop_host; exit 143' TERM
set +e
wait "$HOST_PID"
status=$?
set -e
exit "$status"
