#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_release
short_description: Unpack a Kafka release archive into its own directory and point a link at it, in one module run
version_added: 0.3.0
description:
  - Makes O(dest) hold the release unpacked from the archive O(src) (a C(.tgz) with one top-level
    directory, the official distribution's layout) and, with O(link), makes that symbolic link
    point at O(dest). One module run on the node for both.
  - The archive is unpacked by C(tar) into a new directory beside O(dest), flushed to disk, then
    renamed to O(dest). An interrupted run never leaves a half release at O(dest); the next run
    removes what it left beside it (directories named C(.<name of dest>.unpacking-*)).
  - O(dest) counts as unpacked when O(creates) (a file inside it) exists. A directory at O(dest)
    without it (a half release left by an older, non-atomic unpack) is replaced by the archive's.
  - The link is replaced by a rename, so it always points at a whole release; its text is O(dest)
    as given. A directory or file (not a link) at O(link) is an error, never removed.
  - The files belong to the user running the module (root in the roles; the archive's owners are
    not kept). Run as root, they keep the archive's modes; as another user, less its umask. With
    O(link), a release directory found owned by another user and group than the module's is given
    back to them (the directory itself, as C(ansible.builtin.file) with C(owner) on a link did).
  - With the action plugin of the same name, O(src) is a file on the Ansible controller, pushed to
    a temporary directory on the node first (one transfer, no stat or copy module run), unless
    O(remote_src); the module removes that directory at the end of its run. Without O(src) only
    the link is made.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reports what it would unpack and link and changes nothing (the action plugin pushes nothing).
    support: full
  diff_mode:
    description: Shows the link's target before and after.
    support: full
options:
  src:
    description:
      - The archive. A path on the Ansible controller (the action plugin pushes it), or on the node
        with O(remote_src). Where not given, nothing is unpacked and O(dest) must exist.
    type: path
  remote_src:
    description: O(src) is already on the node.
    type: bool
    default: false
  dest:
    description: The release directory, an absolute path; its parent must exist.
    type: path
    required: true
  creates:
    description: Path of a regular file, relative to O(dest), whose presence means the release is fully unpacked.
    type: str
    default: bin/kafka-server-start.sh
  link:
    description: A symbolic link to point at O(dest) (absolute path), such as C(/opt/kafka/current).
    type: path
'''

EXAMPLES = r'''
- name: Push the local archive, unpack it and make it the current release
  kafkaops.kraft.kraft_release:
    src: /srv/archives/kafka_2.13-4.4.0.tgz
    dest: /opt/kafka/kafka_2.13-4.4.0
    link: /opt/kafka/current

- name: Unpack an archive downloaded onto the node, without touching the link
  kafkaops.kraft.kraft_release:
    src: /opt/kafka/kafka_2.13-4.4.0.tgz
    remote_src: true
    dest: /opt/kafka/kafka_2.13-4.4.0
'''

RETURN = r'''
unpacked:
  description: Whether the archive was unpacked into O(dest) (or would be).
  returned: always
  type: bool
  sample: true
linked:
  description: Whether O(link) was made to point at O(dest) (or would be); false when it already did.
  returned: always
  type: bool
  sample: true
owner_fixed:
  description: Whether the release directory was given back to the module's user and group (or would be).
  returned: always
  type: bool
  sample: false
previous_link_target:
  description: Where O(link) pointed before, or null where there was no link.
  returned: when O(link) is given
  type: str
  sample: /opt/kafka/kafka_2.13-4.3.1
'''

import binascii
import glob
import os
import shutil
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_files import remove_pushed


def is_unpacked(dest, creates):
    return os.path.isdir(dest) and os.path.isfile(os.path.join(dest, creates))


def remove_stale_staging(dest):
    """What an interrupted run left beside dest (its staging directories), removed."""
    parent, name = os.path.split(dest)
    for stale in glob.glob(os.path.join(parent, glob.escape('.%s.unpacking-' % name) + '*')):
        shutil.rmtree(stale, ignore_errors=True)


def sync_tree(top):
    """fsync every file and directory under top (the release's bytes on disk before its rename)."""
    for root, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            # Regular files only: a FIFO would block the open, a link is not ours to flush.
            if stat.S_ISREG(os.lstat(path).st_mode):
                sync_path(path)
        sync_path(root)


def sync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unpack(module, src, dest):
    """tar into a new directory beside dest, check it holds one top-level directory, flush it,
    rename that directory to dest (a half release found at dest is replaced)."""
    parent, name = os.path.split(dest)
    staging = tempfile.mkdtemp(dir=parent, prefix='.%s.unpacking-' % name)
    try:
        rc, out, err = module.run_command(['tar', '-xzf', src, '-C', staging, '--no-same-owner'])
        if rc != 0:
            module.fail_json(msg='tar could not unpack %s: %s' % (src, (err or out).strip()), rc=rc)
        entries = os.listdir(staging)
        top = os.path.join(staging, entries[0]) if len(entries) == 1 else None
        if top is None or os.path.islink(top) or not os.path.isdir(top):
            module.fail_json(msg='%s holds %s at its top level; a Kafka release archive holds one directory '
                                 '(the official distribution\'s layout)' % (src, sorted(entries) or 'nothing'))
        sync_tree(top)
        if os.path.lexists(dest):
            # A half release (no `creates`): moved into the staging directory, removed with it.
            os.rename(dest, os.path.join(staging, '.replaced'))
        os.rename(top, dest)
        sync_path(parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def owned_elsewhere(path):
    status = os.stat(path)
    return (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid())


def point_link(link, dest):
    """Make link point at dest by renaming a new link over it."""
    parent, name = os.path.split(link)
    temp = os.path.join(parent, '.%s.%s' % (name, binascii.hexlify(os.urandom(6)).decode()))
    os.symlink(dest, temp)
    try:
        os.rename(temp, link)
    except OSError:
        os.unlink(temp)
        raise
    sync_path(parent)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type='path'),
            remote_src=dict(type='bool', default=False),
            dest=dict(type='path', required=True),
            creates=dict(type='str', default='bin/kafka-server-start.sh'),
            link=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    src, target, link = params['src'], params['dest'], params['link']
    for name in ('dest', 'link'):
        if params[name] is not None and not os.path.isabs(params[name]):
            module.fail_json(msg='%s must be an absolute path, got %s' % (name, params[name]))
    if os.path.isabs(params['creates']):
        module.fail_json(msg='creates must be relative to dest, got %s' % params['creates'])
    # The link's text is dest as given (what discover compares); the file system calls take it
    # without a trailing slash.
    dest = os.path.normpath(target)
    link = os.path.normpath(link) if link is not None else None
    if not os.path.isdir(os.path.dirname(dest)):
        module.fail_json(msg='the parent of dest %s does not exist: create it first' % dest)
    if os.path.islink(dest) or (os.path.lexists(dest) and not os.path.isdir(dest)):
        module.fail_json(msg='dest %s exists and is not a directory: move it away' % dest)
    if link is not None and os.path.lexists(link) and not os.path.islink(link):
        module.fail_json(msg='link %s exists and is not a symbolic link: move it away, this module never removes it' % link)

    unpacked = not is_unpacked(dest, params['creates'])
    if unpacked:
        if src is None:
            module.fail_json(msg='%s holds no release (no %s) and no src archive was given' % (dest, params['creates']))
        # The action plugin pushed src and set remote_src; in check mode it pushes nothing (and
        # an archive to download is not there yet).
        if params['remote_src'] and not module.check_mode and not os.path.isfile(src):
            module.fail_json(msg='src %s is not a file on this node' % src)
    previous = os.readlink(link) if link is not None and os.path.islink(link) else None
    linked = link is not None and previous != target
    # What discover checks with the link (the owner of its target): a release directory chowned
    # by hand is given back, without a restart (linked stays false).
    owner_fixed = link is not None and not unpacked and owned_elsewhere(dest)

    if not module.check_mode:
        try:
            remove_stale_staging(dest)
            if unpacked:
                unpack(module, src, dest)
            if owner_fixed:
                os.chown(dest, os.geteuid(), os.getegid())
            if linked:
                point_link(link, target)
        except (IOError, OSError) as error:
            module.fail_json(msg='cannot install %s: %s' % (dest, to_native(error)))

    result = dict(changed=unpacked or linked or owner_fixed, unpacked=unpacked, linked=linked, owner_fixed=owner_fixed)
    if link is not None:
        result['previous_link_target'] = previous
        if module._diff and linked:
            result['diff'] = dict(before_header=link, after_header=link,
                                  before=(previous or '(no link)') + '\n', after=target + '\n')
    remove_pushed(module, result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
