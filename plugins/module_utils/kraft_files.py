# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make one file on the node hold given bytes, owned and moded as asked, in the module's own run:
compare, show the diff, write beside it and rename (kraft_file writes any file with it,
kraft_service the systemd unit). And remove the temporary directory a pushing action
(plugin_utils/kraft_push.py) made, at the end of the module's run (kraft_file, kraft_release)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import shutil
import stat
import tempfile

from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text


def remove_pushed(module, result):
    """Remove the temporary directory the action made on the node for this run (what it pushed;
    without pipelining, the module's own code too) as the module's last step, and say so in
    result['tmpdir_removed']: the action then skips its own removal, one connection round trip
    after the run. Only Ansible's directory for this run (_ansible_tmpdir, named ansible-tmp-*;
    Ansible gives none where it becomes an unprivileged user), and never where Ansible is told to
    keep remote files. Where it cannot be removed here, the action removes it as before."""
    tmpdir = module._tmpdir
    if not tmpdir or module._keep_remote_files or not os.path.basename(os.path.normpath(tmpdir)).startswith('ansible-tmp-'):
        return
    try:
        shutil.rmtree(tmpdir)
    except OSError:
        return
    result['tmpdir_removed'] = True


def read_current(b_dest):
    """The bytes the file holds, or None where there is none."""
    try:
        with open(b_dest, 'rb') as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomically(module, b_dest, b_content, file_args):
    """Write b_content beside b_dest, give it its owner, group, mode and SELinux context, fsync,
    then rename it over b_dest. Nothing is left beside it when any step fails."""
    b_dir = os.path.dirname(b_dest) or b'.'
    fd, b_tmp = tempfile.mkstemp(dir=b_dir, prefix=b'.' + os.path.basename(b_dest) + b'.')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(b_content)
            handle.flush()
            os.fsync(handle.fileno())
        module.set_fs_attributes_if_different(dict(file_args, path=to_native(b_tmp)), False)
        os.rename(b_tmp, b_dest)
    finally:
        # fail_json (a chown to a user that does not exist) raises SystemExit: still clean up.
        if os.path.lexists(b_tmp):
            os.unlink(b_tmp)


def wanted_attributes(module, b_dest, exists, owner, group, mode):
    """owner, group and mode for the file: as given; where not given (None), the existing file's,
    or for a new file its creator's and the umask's default (as ansible.builtin.copy does)."""
    if exists:
        current = os.stat(b_dest)
        have = str(current.st_uid), str(current.st_gid), '%04o' % stat.S_IMODE(current.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        have = None, None, '%04o' % (0o666 & ~umask)
    secontext = [None, None, None]
    if module.selinux_enabled():
        secontext = module.selinux_context(to_native(b_dest)) if exists else module.selinux_default_context(to_native(b_dest))
    return dict(path=to_native(b_dest), owner=owner if owner is not None else have[0],
                group=group if group is not None else have[1],
                mode=mode if mode is not None else have[2], secontext=secontext, attributes=None)


def check_dest(module, dest):
    """The path to write for dest (a link stands for its target, as with
    ansible.builtin.template; the link stays); fail_json naming it where it is not a regular file
    or, outside check mode, where its directory does not exist. Changes nothing."""
    b_dest = to_bytes(dest, errors='surrogate_or_strict')
    if os.path.islink(b_dest):
        b_dest = os.path.realpath(b_dest)
    path = to_native(b_dest)
    if os.path.lexists(b_dest) and not os.path.isfile(b_dest):
        module.fail_json(msg='%s exists and is not a regular file: move it away, this module writes a file there' % path,
                         dest=dest)
    b_dir = os.path.dirname(b_dest) or b'.'
    if not os.path.isdir(b_dir) and not module.check_mode:
        module.fail_json(msg='the directory of %s does not exist: create it first' % path, dest=dest)
    return b_dest


def ensure_file(module, dest, b_content=None, checksum=None, owner=None, group=None, mode=None, binary=False,
                show_diff=True):
    """Make dest hold b_content (or, in check mode with a file not pushed, bytes whose sha256 is
    checksum) with owner, group and mode; fail_json naming dest where that cannot be. A link as
    dest stands for its target. Returns dict(changed, content_changed, diff=[...]): the diff is the
    text before and after (the sha256s for binary content), or where only owner, group or mode
    differ, those; none without show_diff. Honours check mode."""
    b_dest = check_dest(module, dest)
    path = to_native(b_dest)
    try:
        b_before = read_current(b_dest)
    except (IOError, OSError) as error:
        module.fail_json(msg='cannot read %s: %s' % (path, to_native(error)), dest=dest)

    binary = binary or checksum is not None
    if binary:
        wanted = checksum.lower() if checksum is not None else hashlib.sha256(b_content).hexdigest()
        before = hashlib.sha256(b_before).hexdigest() if b_before is not None else None
        content_changed = before != wanted
    else:
        content_changed = b_before != b_content
    diffs = []
    if show_diff and content_changed:
        if binary:
            diffs.append(dict(before_header=path, after_header=path,
                              before='sha256 %s\n' % before if before else '', after='sha256 %s\n' % wanted))
        else:
            diffs.append(dict(before_header=path, after_header=path,
                              before=to_text(b_before or b'', errors='surrogate_or_replace'),
                              after=to_text(b_content, errors='surrogate_or_replace')))
    changed = content_changed
    if content_changed:
        if not module.check_mode:
            try:
                write_atomically(module, b_dest, b_content,
                                 wanted_attributes(module, b_dest, b_before is not None, owner, group, mode))
            except (IOError, OSError) as error:
                module.fail_json(msg='cannot write %s: %s' % (path, to_native(error)), dest=dest)
    elif b_before is not None:
        # Same text: only owner, group or mode may differ (check mode honoured by the helper).
        file_args = dict(path=path, owner=owner, group=group, mode=mode, secontext=[None, None, None], attributes=None)
        attr_diff = dict(before=dict(path=path), after=dict(path=path))
        changed = module.set_fs_attributes_if_different(file_args, False, diff=attr_diff)
        if changed and show_diff:
            diffs.append(attr_diff)
    return dict(changed=changed, content_changed=content_changed, diff=diffs)
