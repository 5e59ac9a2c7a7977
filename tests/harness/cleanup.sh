#!/usr/bin/env bash
# Remove every container and network the test runs create, whatever state a killed run left.
set -u
mapfile -t names < <(docker ps -aq --filter name=kraft-controller- --filter name=kafka-broker- 2>/dev/null)
[ ${#names[@]} -eq 0 ] || docker rm -f "${names[@]}" >/dev/null
docker network rm kraft-test >/dev/null 2>&1 || true
pkill -f "http.server --bind 172.28.70.1" 2>/dev/null || true
exit 0
