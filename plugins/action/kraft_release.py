# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of kafkaops.kraft.kraft_release: a src on the Ansible controller is pushed to the node
first (plugin_utils/kraft_push.py); nothing is pushed in check mode, without src, or with
remote_src. See the module's documentation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_push import local_file, run_with_pushed_file

MODULE = 'kafkaops.kraft.kraft_release'


class ActionModule(ActionBase):

    # The temporary directory is made only when there is something to push (not by run()).
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = self._task.args.copy()
        source = args.get('src')
        if source is None or boolean(args.get('remote_src', False), strict=False) or self._task.check_mode:
            result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars))
            return result
        try:
            local = local_file(self, source)
        except AnsibleError as error:
            result.update(failed=True, msg=str(error))
            return result
        result.update(run_with_pushed_file(self, MODULE, dict(args, remote_src=True), local, task_vars, 'release.tgz'))
        return result
