#!/usr/bin/env bash
# Makes a Docker engine available for `npm run test:deploy` (CI runs as root): installs Debian's docker.io,
# docker-compose and debootstrap when missing, and starts dockerd in the background when none answers (its pid goes to
# $DOCKERD_PIDFILE so the caller can stop it). Prints why and exits 1 when it cannot.
set -uo pipefail
DOCKER=/usr/bin/docker
need=()
[ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "not root: cannot install ${need[*]}"; exit 1; fi
  echo "installing Debian's ${need[*]} for the deployment test…"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null); then
    echo "apt-get install ${need[*]} failed"
    exit 1
  fi
fi
if ! "$DOCKER" info >/dev/null 2>&1; then
  log=${DOCKERD_LOG:-/tmp/sigsentry-dockerd.log}
  dockerd >"$log" 2>&1 &
  echo $! > "${DOCKERD_PIDFILE:-/tmp/sigsentry-dockerd.pid}"
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 1; done
  if ! "$DOCKER" info >/dev/null 2>&1; then
    echo "dockerd did not start: $(tail -5 "$log")"
    exit 1
  fi
fi
echo "docker engine $("$DOCKER" version --format '{{.Server.Version}}'), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"
