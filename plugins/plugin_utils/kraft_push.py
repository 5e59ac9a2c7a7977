# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the actions of kraft_file and kraft_release share: run the module with files of the
Ansible controller pushed into a temporary directory on the node first.

Unlike ansible.builtin.copy's and unarchive's actions nothing is stat'ed on the node first (the
roles' discover already read what is there): a temporary directory, one transfer per file, one
module run that also removes the directory. Nothing is pushed in check mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


class PushingAction(ActionBase):
    """Runs MODULE; where sources_to_push() names files of the Ansible controller, pushes each to
    <temporary directory>/<n>-REMOTE_NAME first and tells the module where (pushed())."""

    # The temporary directory is made only when there is something to push (not by run()).
    TRANSFERS_FILES = False
    MODULE = None
    REMOTE_NAME = 'file'

    def sources_to_push(self, args):
        """The controller's files to push, as (slot, path) pairs: slot is the dict of the module's
        arguments (args itself, or an entry of a list in it) that pushed() or check_mode_slot()
        completes; [] runs the module with args as they are. args may be edited. An AnsibleError
        raised here fails the task before anything is pushed."""
        raise NotImplementedError

    def pushed(self, slot, remote):
        """Tell the module the file is at remote on the node."""
        slot['src'] = remote

    def check_mode_slot(self, slot, local):
        """In check mode nothing is pushed: what the module gets instead of the file."""

    def _remote_expand_user(self, path, sudoable=True, pathsep=None):
        """Making the temporary directory, Ansible first expands remote_tmp (~/.ansible/tmp) on the
        node in a round trip of its own; a POSIX shell's command that makes it echoes the path back
        with ~ expanded (the shell plugin's mkdtemp is written for that), as the same login user
        (from its HOME, as the module's own remote_tmp is expanded)."""
        if (not sudoable and path.startswith('~/') and getattr(self._connection._shell, 'SHELL_FAMILY', None) == 'sh'
                and not getattr(self._connection, '_remote_is_local', False)):
            return path
        return super(PushingAction, self)._remote_expand_user(path, sudoable=sudoable, pathsep=pathsep)

    def run(self, tmp=None, task_vars=None):
        result = super(PushingAction, self).run(tmp, task_vars)
        del tmp
        args = copy.deepcopy(self._task.args)
        pushes = []
        try:
            for slot, source in self.sources_to_push(args):
                # A relative path is looked up as ansible.builtin.copy does (files/ of the role or
                # playbook); a vaulted file is decrypted into a temporary file here.
                local = self._loader.get_real_file(self._find_needle('files', os.path.expanduser(source)), decrypt=True)
                pushes.append((slot, local))
        except AnsibleError as error:
            for dummy, local in pushes:
                self._loader.cleanup_tmp_file(local)
            result.update(failed=True, msg=to_text(error))
            return result
        try:
            if pushes and self._task.check_mode:
                for slot, local in pushes:
                    self.check_mode_slot(slot, local)
            elif pushes:
                self._make_tmp_path()
                remotes = []
                for index, (slot, local) in enumerate(pushes):
                    remote = self._connection._shell.join_path(self._connection._shell.tmpdir,
                                                               '%d-%s' % (index, self.REMOTE_NAME))
                    self._transfer_file(local, remote)
                    remotes.append(remote)
                    self.pushed(slot, remote)
                if self._is_become_unprivileged():
                    # The ACL, chown or shared group that lets the become user enter the
                    # directory and read the files, as Ansible's own actions do.
                    self._fixup_perms2([self._connection._shell.tmpdir] + remotes)
                # Otherwise the module reads them as their owner or as root, and never runs them:
                # no chmod run to make them executable.
            module_result = self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars)
            if module_result.pop('tmpdir_removed', False):
                # The module removed the temporary directory as its last step
                # (module_utils/kraft_files.remove_pushed): no removal run after it.
                self._connection._shell.tmpdir = None
            result = merge_hash(result, module_result)
        finally:
            # Whatever made a temporary directory on the node (the push, or the module's run
            # without pipelining) and left it there (a failed run, Ansible keeping remote files,
            # an unprivileged become user) removes it here, as the normal action does.
            self._remove_tmp_path(self._connection._shell.tmpdir)
            for dummy, local in pushes:
                self._loader.cleanup_tmp_file(local)
        return result
