#!/usr/bin/env bash
# Build the Debian systemd base image the test containers run, without any registry:
# debootstrap a rootfs from Debian's mirror and `docker import` it.
#   build-image.sh            Debian 12 (bookworm, Java 17): every scenario but ssh; tag in .cache/image-tag
#   build-image.sh trixie     Debian 13 (trixie, Java 21): the ssh scenario; tag in .cache/image-tag-trixie
#
# The image is tagged with a hash of this script, so editing the recipe builds a new image and
# an unchanged recipe is never rebuilt. Java is pre-baked only to save minutes in tests; the
# roles still install it themselves (the package task is then a no-op), and the
# KRAFT_IMAGE_BAKE_JAVA=0 build proves that path on a bare host.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${1:-bookworm}
case "$suite" in
  bookworm) release=12; java="openjdk-17-jre-headless"; tag_file="image-tag" ;;
  trixie) release=13; java="openjdk-21-jre-headless"; tag_file="image-tag-trixie" ;;
  *) echo "unknown Debian suite $suite (bookworm or trixie)" >&2; exit 2 ;;
esac
bake_java=${KRAFT_IMAGE_BAKE_JAVA:-1}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
recipe_hash=$( (cat "$0"; echo "$bake_java $suite") | sha256sum | cut -c1-12)
if [ "$suite" = bookworm ]; then
  image=${KRAFT_TEST_IMAGE:-kraft-test/debian$release:$recipe_hash}
else
  image=kraft-test/debian$release:$recipe_hash
fi
cache=$here/../../.cache
mkdir -p "$cache"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "image $image already built"
  echo "$image" >"$cache/$tag_file"
  exit 0
fi

start=$(date +%s)
work=$(mktemp -d /var/tmp/kraft-rootfs.XXXXXX)
rootfs=$work/rootfs
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap Debian $release ($suite) into $rootfs (mirror $mirror)"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,procps,iproute2,netbase,openssh-server,less \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -40 "$work/debootstrap.log"; exit 1; }

if [ "$bake_java" = 1 ]; then
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends '"$java"' >/dev/null'
  umount -l "$rootfs/proc"
fi

# A container is not a machine: units that wait for hardware or a console only slow boot.
chroot "$rootfs" /bin/sh -e <<'EOF'
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
for unit in getty.target console-getty.service systemd-udevd.service systemd-udev-trigger.service \
            systemd-logind.service systemd-remount-fs.service sys-kernel-debug.mount \
            sys-kernel-tracing.mount apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
            fstrim.timer; do
  ln -sf /dev/null "/etc/systemd/system/$unit"
done
# Reached like a VM: sshd with host keys made at first boot (each container its own), and an
# unprivileged deploy user with passwordless sudo. Its key is installed by the test run.
cat >/etc/systemd/system/ssh-hostkeys.service <<'UNIT'
[Unit]
Description=Generate SSH host keys on first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/ssh-hostkeys.service /etc/systemd/system/multi-user.target.wants/ssh-hostkeys.service
ln -sf /lib/systemd/system/ssh.service /etc/systemd/system/multi-user.target.wants/ssh.service
useradd --create-home --shell /bin/bash deploy
usermod -p '*' deploy
echo 'deploy ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/deploy
chmod 0440 /etc/sudoers.d/deploy
echo 'APT::Install-Recommends "false";' >/etc/apt/apt.conf.d/99no-recommends
rm -f /etc/ssh/ssh_host_*
: >/etc/machine-id
EOF
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
  "$mirror" "$suite" "$mirror" "$suite" "$mirror" "$suite" >"$rootfs/etc/apt/sources.list"

tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/lib/systemd/systemd"]' \
  --change 'ENV container=docker' \
  - "$image" >/dev/null
echo "$image" >"$cache/$tag_file"
echo "built $image in $(( $(date +%s) - start ))s"
