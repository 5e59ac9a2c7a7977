#!/usr/bin/env bash
# Build the AWX execution environment (EE) of execution-environment.yml from local parts, with
# no registry (the upstream base image, quay.io/ansible/awx-ee, is out of reach here):
#
#  1. The base image kraft-ee-base:<hash of this script>: a debootstrapped Debian 12 (minbase +
#     python3, python3-venv, openssh-client, ca-certificates), a venv /opt/ee-venv holding
#     ansible-core and ansible-runner, and a wheelhouse /opt/wheelhouse of every Python package
#     the EE build installs, downloaded here by the host's pip. The image sets PIP_NO_INDEX and
#     PIP_FIND_LINKS, so the build itself needs no network.
#  2. `ansible-builder build` of execution-environment.yml, unedited (copied beside the collection
#     tarball it names), with the base swapped through ansible-builder's own build args:
#     EE_BASE_IMAGE; PYCMD, the venv's python (Debian disables ensurepip for the system python);
#     PKGMGR, apt-get (the default is dnf); --no-deps for the collection install (no Galaxy here).
#     Tagged kraft-ee:<hash of the base, the EE file and the collection's content>: an unchanged
#     collection is never rebuilt.
#
# The tag goes to .cache/ee-image-tag; the build time and image size are printed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=$root/.cache
ctx=$cache/ee
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Every Python package the base and the EE build install: ansible-core, ansible-runner,
# kafka-python and mitogen as requirements-dev.txt pins them, and what ansible-builder adds.
pin() { grep -E "^$1==" "$root/requirements-dev.txt"; }
wheels=("$(pin ansible-core)" "$(pin ansible-runner)" "$(pin kafka-python)" "$(pin mitogen)" bindep==2.14.0
        pyyaml==6.0.4 packaging==26.4 dumb-init==1.2.5)
# The wheels are for the base's Python (Debian 12: CPython 3.11, glibc 2.36), whatever runs this;
# pip takes the manylinux tags given, not the older ones they imply.
pip_target=(--python-version 3.11 --implementation cp --abi cp311)
for tag in manylinux_2_36 manylinux_2_34 manylinux_2_28 manylinux_2_17 manylinux2014 manylinux_2_12 manylinux2010; do
  pip_target+=(--platform "${tag}_$(uname -m)")
done
python=$root/.venv/bin/python
[ -x "$python" ] || python=python3
base=kraft-ee-base:$( (cat "$0"; printf '%s\n' "${wheels[@]}") | sha256sum | cut -c1-12)
mkdir -p "$ctx"

if docker image inspect "$base" >/dev/null 2>&1; then
  echo "base image $base already built"
else
  start=$(date +%s)
  work=$(mktemp -d /var/tmp/kraft-ee-rootfs.XXXXXX)
  rootfs=$work/rootfs
  cleanup() {
    umount -l "$rootfs/proc" 2>/dev/null || true
    rm -rf "$work"
  }
  trap cleanup EXIT
  echo "debootstrap Debian 12 (bookworm) into $rootfs for the EE base (mirror $mirror)"
  debootstrap --variant=minbase --include=python3,python3-venv,openssh-client,ca-certificates \
    bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -40 "$work/debootstrap.log"; exit 1; }
  "$python" -m pip download --quiet --only-binary=:all: "${pip_target[@]}" -d "$rootfs/opt/wheelhouse" "${wheels[@]}"
  mount -t proc proc "$rootfs/proc"
  env -u PIP_FIND_LINKS chroot "$rootfs" /bin/sh -ec '
    python3 -m venv /opt/ee-venv
    /opt/ee-venv/bin/pip install --quiet --no-index --find-links /opt/wheelhouse ansible-core ansible-runner
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin'
  umount -l "$rootfs/proc"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/opt/ee-venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'ENV PIP_NO_INDEX=1' --change 'ENV PIP_FIND_LINKS=/opt/wheelhouse' \
    --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  echo "built $base in $(( $(date +%s) - start )) s"
fi

# The collection tarball execution-environment.yml names, beside an unedited copy of that file
# (additional_build_files is resolved from the file's directory).
rm -f "$ctx"/kafkaops-kraft-*.tar.gz
cp "$root/execution-environment.yml" "$ctx/execution-environment.yml"
(cd "$root" && ansible-galaxy collection build --force --output-path "$ctx" >/dev/null)
tarball=$(ls "$ctx"/kafkaops-kraft-*.tar.gz)
# MANIFEST.json and FILES.json carry a checksum of every file of the collection, and no time.
image=kraft-ee:$( (echo "$base"; cat "$ctx/execution-environment.yml"; tar -xzOf "$tarball" MANIFEST.json FILES.json) \
  | sha256sum | cut -c1-12)

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "EE image $image already built"
else
  start=$(date +%s)
  rm -rf "$ctx/context"
  # The legacy builder (no buildx here) takes the locally imported base as it is.
  DOCKER_BUILDKIT=0 ansible-builder build -f "$ctx/execution-environment.yml" -c "$ctx/context" -t "$image" \
    --container-runtime docker -v 2 \
    --build-arg "EE_BASE_IMAGE=$base" --build-arg PYCMD=/opt/ee-venv/bin/python3 \
    --build-arg PKGMGR=/usr/bin/apt-get --build-arg ANSIBLE_GALAXY_CLI_COLLECTION_OPTS=--no-deps \
    >"$ctx/build.log" 2>&1 || { tail -60 "$ctx/build.log"; exit 1; }
  echo "built $image in $(( $(date +%s) - start )) s"
  # Older builds of the EE go; the base stays (its layers are shared).
  docker images kraft-ee --format '{{.Repository}}:{{.Tag}}' | grep -vx "$image" | xargs -r docker rmi >/dev/null 2>&1 || true
fi
echo "$image" >"$cache/ee-image-tag"
docker image inspect "$image" --format "EE image $image: {{.Size}} bytes"
