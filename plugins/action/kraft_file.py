# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of kafkaops.kraft.kraft_file: with src (a file on the Ansible controller) the file is
pushed to the node first (plugin_utils/kraft_push.py); in check mode nothing is pushed and the
module gets its sha256 instead. With content or secret_content, the module runs as it is. See the
module's documentation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_push import local_file, run_with_pushed_file

MODULE = 'kafkaops.kraft.kraft_file'


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


class ActionModule(ActionBase):

    # The temporary directory is made only when there is a file to push (not by run()).
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = self._task.args.copy()
        source = args.pop('src', None)
        if source is None:
            result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars))
            return result
        try:
            local = local_file(self, source)
        except AnsibleError as error:
            result.update(failed=True, msg=str(error))
            return result
        if self._task.check_mode:
            result.update(self._execute_module(module_name=MODULE, module_args=dict(args, checksum=sha256_of(local)),
                                               task_vars=task_vars))
        else:
            result.update(run_with_pushed_file(self, MODULE, args, local, task_vars, 'file'))
        return result
