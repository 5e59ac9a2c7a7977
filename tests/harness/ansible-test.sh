#!/usr/bin/env bash
# ansible-test on the collection, e.g. `ansible-test.sh sanity` or `ansible-test.sh units`.
# ansible-test wants the collection at .../ansible_collections/<namespace>/<name> and a pip
# bootstrap script from a host out of reach here; give it both (a copy of the tracked and
# new files, and tests/harness/get_pip_shim.py). Runs with --local in the project's venv.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/ansible_collections/kafkaops/kraft
mkdir -p "$dest" ~/.ansible/test/cache
for version in 24.2 25.0 25.1 25.3; do
  cp "$root/tests/harness/get_pip_shim.py" ~/.ansible/test/cache/get_pip_${version//./_}.py
done
(cd "$root" && git ls-files -co --exclude-standard | grep -v '^collections/' | tar -cf - -T -) | tar -xf - -C "$dest"
cd "$dest"
git init -q && git add -A
ansible-test "$1" --python "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --local "${@:2}"
