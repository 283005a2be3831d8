#!/usr/bin/env bash
# One entry point for the README's commands:
#   ./build.sh run     publish samples/FlaskHello -c Debug through the packed SDK, print the attach URI, run it
#   ./build.sh test    install test prerequisites, run every test project, print "N passed, N failed"
#   ./build.sh bench   run the benchmarks and print their figures (./build.sh bench forwarding: one section)
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

say() { printf '%s\n' "$*" >&2; }

# debugpy and flask come from Debian's packages, which go into Debian's own interpreter; a python3 earlier
# on PATH (pyenv) may not see them. Find one that can import both, installing them when we may.
find_python() {
  local candidate
  for candidate in "${PTVSD_PYTHON:-}" python3 /usr/bin/python3 python; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import debugpy, flask' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_python() {
  local python
  if python=$(find_python); then
    printf '%s\n' "$python"
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing python3, python3-flask, python3-debugpy and gunicorn with apt-get..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-flask python3-debugpy gunicorn >&2
    if python=$(find_python); then
      printf '%s\n' "$python"
      return 0
    fi
  fi
  say "error: no Python with debugpy and flask found; run: sudo apt-get install python3 python3-flask python3-debugpy gunicorn (or set PTVSD_PYTHON to an interpreter that has them)"
  return 1
}

# Debian packages the tests and the forwarding benchmark drive, each named by what shows it is there: a command (nginx,
# wrk, gunicorn; nginx lives in /usr/sbin, which a non-root PATH often lacks), COMMAND=PACKAGE for a command another
# package provides, or import:MODULE=PACKAGE for a module that $PTVSD_PYTHON (the interpreter the tests use) must import.
# Installs the missing ones when we may; otherwise says what to install, and the tests that need them fail saying why
# (the benchmark rows say why they are empty).
ensure_packages() {
  local purpose=$1 spec check package missing=()
  shift
  for spec in "$@"; do
    check=${spec%%=*}
    package=${spec#*=}
    case $check in
      import:*) "${PTVSD_PYTHON:-python3}" -c "import ${check#import:}" >/dev/null 2>&1 && continue ;;
      *) { command -v "$check" >/dev/null 2>&1 || [ -x "/usr/sbin/$check" ]; } && continue ;;
    esac
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing ${missing[*]} with apt-get (for $purpose)..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || say "warning: apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 || say "warning: could not install ${missing[*]}"
    return 0
  fi
  say "warning: ${missing[*]} not installed ($purpose needs them); run: sudo apt-get install ${missing[*]}"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  say "error: the .NET SDK (dotnet) is not on PATH; install .NET SDK 10 first: https://dot.net"
  return 1
}

cmd_run() {
  ensure_dotnet
  local python port site host_bin
  python=$(ensure_python)
  port=${PTVSD_PORT:-8080}
  site=$root/artifacts/FlaskHello-debug
  host_bin=$root/artifacts/host-bin

  # Pack Ptvsd.Azure.Sdk (with the proxy and the tasks) into artifacts/packages, the samples' feed.
  dotnet build sdk/Ptvsd.Azure.Sdk -c Release -nologo -v quiet -clp:NoSummary >&2
  # NuGet caches packages by version, so a cache of our own makes the sample get the package just packed.
  export NUGET_PACKAGES=$root/artifacts/nuget-packages
  rm -rf "$NUGET_PACKAGES/ptvsd.azure.sdk" "$site"
  # Published exactly as a user would, with the attach URI pointing at this machine.
  dotnet publish samples/FlaskHello -c Debug -o "$site" -nologo -p:PtvsdSiteUrl="http://127.0.0.1:$port" >&2

  # Run the publish folder as App Service Linux would (its startup script), on loopback only, with a
  # `python` on PATH that has the app's requirements.
  mkdir -p "$host_bin"
  ln -sf "$python" "$host_bin/python"
  say ""
  say "FlaskHello (published with -c Debug) runs behind the debug proxy on http://127.0.0.1:$port/"
  say "Attach with the URI printed above (\"Ptvsd attach URI: ...\"); open http://127.0.0.1:$port/ptvsd for the proxy's status page."
  say "Press Ctrl+C to stop."
  say ""
  cd "$site"
  PATH="$host_bin:$PATH" PTVSD_URLS="http://127.0.0.1:$port" exec sh ptvsd/startup.sh
}

cmd_test() {
  ensure_dotnet
  local python results status=0
  python=$(ensure_python)
  export PTVSD_PYTHON=$python
  # nginx fronts the proxy in the client tool's tests; the framework matrix (tests/Ptvsd.Azure.Sdk.Tests) serves an
  # app with each of these servers and frameworks.
  ensure_packages "the tests" gunicorn nginx uvicorn waitress-serve=python3-waitress \
    import:django=python3-django import:fastapi=python3-fastapi import:uvicorn=python3-uvicorn import:waitress=python3-waitress
  results=$root/artifacts/test-results
  rm -rf "$results"
  dotnet build Ptvsd.Build.sln -nologo -v quiet -clp:NoSummary
  dotnet test Ptvsd.Build.sln --no-build -nologo --logger "trx" --results-directory "$results" || status=$?
  # The proxy's suite once more, against the trimmed single-file executable the SDK package ships for Linux
  # (the run above tests the assembly); tests with nothing to run against it (they start no proxy, or set what has no
  # command-line form) are left out.
  PTVSD_PROXY_TARGET=single-file dotnet test tests/Ptvsd.WebSocketProxy.Tests --no-build -nologo --filter "ProxyTarget!=none&ProxyTarget!=assembly" \
    --logger "trx;LogFileName=Ptvsd.WebSocketProxy.Tests.single-file.trx" --results-directory "$results" || status=$?

  # Sum the counters of every test project's TRX report into the one closing line.
  local passed=0 failed=0 skipped=0 trx line
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    line=$(grep -o '<Counters [^>]*>' "$trx")
    passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$line")))
    skipped=$((skipped + $(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$line")))
  done
  if [ "$passed" = 0 ] && [ "$failed" = 0 ] && [ "$status" = 0 ]; then
    say "error: no test ran"
    status=1
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" = 0 ] || status=1
  return "$status"
}

cmd_bench() {
  ensure_dotnet
  export PTVSD_PYTHON
  PTVSD_PYTHON=$(ensure_python)
  ensure_packages "the benchmarks (forwarding; websockify as the relay's reference)" wrk nginx websockify
  dotnet run --project tests/Ptvsd.Benchmarks -c Release -- "$@"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) say "usage: ./build.sh run | test | bench [section ...]"; exit 2 ;;
esac
