# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of kafkaops.kraft.kraft_file: with src (a file on the Ansible controller), or with
entries of files that have one, each such file is pushed to the node first
(plugin_utils/kraft_push.py); in check mode nothing is pushed and the module gets its sha256
instead. Without src the module runs as it is. See the module's documentation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_cluster import file_digest
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_push import PushingAction


def take_out_secrets(args):
    """Move each entry's secret_content out of files into secret_contents (a no_log option of
    its own), leaving content_index in its place. A module logs its arguments on the node when it
    starts: an option marked no_log as hidden, but a list of entries as its text, in which a
    secret with newlines (a private key) no longer matches the value Ansible masks."""
    entries = args.get('files')
    if not isinstance(entries, list):
        return
    secrets = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get('secret_content') is not None:
            entry['content_index'] = len(secrets)
            secrets.append(entry.pop('secret_content'))
    if secrets:
        args['secret_contents'] = secrets


class ActionModule(PushingAction):

    MODULE = 'kafkaops.kraft.kraft_file'

    def sources_to_push(self, args):
        take_out_secrets(args)
        # The module's src is the pushed copy on the node; with files, each entry's.
        entries = args.get('files')
        if isinstance(entries, list):
            return [(entry, self._source(entry)) for entry in entries
                    if isinstance(entry, dict) and entry.get('src') is not None]
        return [(args, self._source(args))] if args.get('src') is not None else []

    @staticmethod
    def _source(slot):
        given = [name for name in ('content', 'secret_content', 'content_index', 'checksum') if slot.get(name) is not None]
        if given:
            raise AnsibleError('kraft_file: src and %s are mutually exclusive (dest %s)' % (', '.join(given), slot.get('dest')))
        return slot['src']

    def check_mode_slot(self, slot, local):
        slot['checksum'] = file_digest(local)
        del slot['src']
