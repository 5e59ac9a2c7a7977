# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of kafkaops.kraft.kraft_file: with src (a file on the Ansible controller) the file is
pushed to the node first (plugin_utils/kraft_push.py); in check mode nothing is pushed and the
module gets its sha256 instead. With content or secret_content the module runs as it is. See the
module's documentation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_cluster import file_digest
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_push import PushingAction


class ActionModule(PushingAction):

    MODULE = 'kafkaops.kraft.kraft_file'

    def source_to_push(self, args):
        # The module's src is the pushed copy on the node.
        source = args.pop('src', None)
        given = [name for name in ('content', 'secret_content', 'checksum') if args.get(name) is not None]
        if source is not None and given:
            raise AnsibleError('kraft_file: src and %s are mutually exclusive' % ', '.join(given))
        return source

    def check_mode_args(self, args, local):
        return dict(args, checksum=file_digest(local))
