# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the actions of kraft_file and kraft_release share: run the module with a file of the
Ansible controller pushed into a temporary directory on the node first.

Unlike ansible.builtin.copy's and unarchive's actions nothing is stat'ed on the node first (the
roles' discover already read what is there): a temporary directory, one transfer, one module
run, its removal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text


def local_file(action, source):
    """The controller's path of src (a relative one looked up as ansible.builtin.copy does), or
    raises AnsibleError naming it."""
    try:
        return action._loader.get_real_file(action._find_needle('files', os.path.expanduser(source)), decrypt=False)
    except AnsibleError as error:
        raise AnsibleError('src %s: %s' % (source, to_text(error)))


def run_with_pushed_file(action, module, args, local, task_vars, remote_name):
    """Push `local` to <temporary directory>/<remote_name> on the node, run `module` with args
    plus src=<that path> (and what `args` says besides), remove the directory; the module's result."""
    shell = action._connection._shell
    try:
        action._make_tmp_path()
        remote = shell.join_path(shell.tmpdir, remote_name)
        action._transfer_file(local, remote)
        action._fixup_perms2((shell.tmpdir, remote))
        return action._execute_module(module_name=module, module_args=dict(args, src=remote), task_vars=task_vars)
    finally:
        action._remove_tmp_path(shell.tmpdir)
