# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the actions of kraft_file and kraft_release share: run the module with a file of the
Ansible controller pushed into a temporary directory on the node first.

Unlike ansible.builtin.copy's and unarchive's actions nothing is stat'ed on the node first (the
roles' discover already read what is there): a temporary directory, one transfer, one module
run, its removal. Nothing is pushed in check mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


class PushingAction(ActionBase):
    """Runs MODULE; where source_to_push() names a file of the Ansible controller, pushes it to
    <temporary directory>/REMOTE_NAME first and gives the module pushed_args()."""

    # The temporary directory is made only when there is something to push (not by run()).
    TRANSFERS_FILES = False
    MODULE = None
    REMOTE_NAME = 'file'

    def source_to_push(self, args):
        """The controller's file to push (args may be edited), or None to run the module with args.
        An AnsibleError raised here fails the task before anything is pushed."""
        raise NotImplementedError

    def pushed_args(self, args, remote):
        """The module's arguments once the file is at remote on the node."""
        return dict(args, src=remote)

    def check_mode_args(self, args, local):
        """The module's arguments in check mode, where nothing is pushed."""
        return args

    def run(self, tmp=None, task_vars=None):
        result = super(PushingAction, self).run(tmp, task_vars)
        del tmp
        args = self._task.args.copy()
        local = None
        try:
            source = self.source_to_push(args)
            if source is not None:
                # A relative path is looked up as ansible.builtin.copy does (files/ of the role or
                # playbook); a vaulted file is decrypted into a temporary file here.
                local = self._loader.get_real_file(self._find_needle('files', os.path.expanduser(source)), decrypt=True)
        except AnsibleError as error:
            result.update(failed=True, msg=to_text(error))
            return result
        try:
            if local is None:
                module_args = args
            elif self._task.check_mode:
                module_args = self.check_mode_args(args, local)
            else:
                self._make_tmp_path()
                remote = self._connection._shell.join_path(self._connection._shell.tmpdir, self.REMOTE_NAME)
                self._transfer_file(local, remote)
                self._fixup_perms2((self._connection._shell.tmpdir, remote))
                module_args = self.pushed_args(args, remote)
            result = merge_hash(result, self._execute_module(module_name=self.MODULE, module_args=module_args,
                                                             task_vars=task_vars))
        finally:
            # Whatever made a temporary directory on the node (the push, or the module's run
            # without pipelining) removes it here, as the normal action does.
            self._remove_tmp_path(self._connection._shell.tmpdir)
            if local is not None:
                self._loader.cleanup_tmp_file(local)
        return result
