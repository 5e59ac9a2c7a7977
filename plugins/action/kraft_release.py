# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of kafkaops.kraft.kraft_release: a src on the Ansible controller is pushed to the node
first (plugin_utils/kraft_push.py); not without src or with remote_src. See the module's
documentation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_push import PushingAction


class ActionModule(PushingAction):

    MODULE = 'kafkaops.kraft.kraft_release'
    REMOTE_NAME = 'release.tgz'

    def sources_to_push(self, args):
        if boolean(args.get('remote_src', False), strict=False) or args.get('src') is None:
            return []
        return [(args, args['src'])]

    def pushed(self, slot, remote):
        slot.update(src=remote, remote_src=True)
