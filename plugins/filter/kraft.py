# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: kraft
short_description: Cluster-wide decisions for KRaft deployments (internal to the roles)
version_added: 0.1.0
description:
  - C(kraft_inventory_problems), C(kraft_listener_problems), C(kraft_decide_cluster_id), C(kraft_new_cluster_id),
    C(kraft_quorum_voters), C(kraft_quorum_bootstrap_servers), C(kraft_decide_quorum), C(kraft_release_of),
    C(kraft_releases_between), C(kraft_releases_to_prune), C(kraft_release_problems), C(kraft_properties), C(kraft_meta_properties),
    C(kraft_sha512_from_file), C(kraft_stale_dirs), C(kraft_data_paths), C(kraft_local_file_digest),
    C(kraft_directory_specs), C(kraft_file_is).
  - C(kraft_file_is) tells, from a kraft_node_state result, whether the file at a path already has
    the content (C(content), text, or C(sha256), a digest), owner, group and mode wanted (false when
    the result does not report it); the roles skip a C(template) or C(copy) that would change nothing with it.
  - C(kraft_local_file_digest) is the hex digest (C(sha256) or C(sha512)) of a file on the Ansible
    controller, or an empty string when there is no such file; the roles check a local archive or jar
    with it in one C(assert) that runs on the controller, without a C(stat) task per host.
  - Used by the roles and playbooks of kafkaops.kraft; the logic lives in
    plugins/plugin_utils/kraft_cluster.py and (C(kraft_data_paths)) plugins/plugin_utils/kraft_metrics.py.
'''

import errno
import hashlib
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_cluster import (
    checksum_from_file,
    decide_cluster_id,
    decide_quorum,
    file_digest,
    inventory_problems,
    listener_problems,
    new_cluster_id,
    mapped_levels,
    parse_properties,
    quorum_bootstrap_servers,
    release_of,
    release_problems,
    releases_between,
    releases_to_prune,
    quorum_voters,
    stale_dirs,
)
from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_metrics import data_path_report


def kraft_inventory_problems(hostvars, controllers, brokers, allow_small_quorum=False, reformat_hosts=None, durability=None):
    if reformat_hosts is not None and not isinstance(reformat_hosts, (list, tuple)):
        raise AnsibleFilterError('kafka_reformat_hosts must be a list of inventory host names, got %r' % (reformat_hosts,))
    return inventory_problems(list(controllers), list(brokers),
                              dict((h, hostvars[h]) for h in list(controllers) + list(brokers)),
                              allow_small_quorum=allow_small_quorum, reformat_hosts=reformat_hosts,
                              durability=durability)


def kraft_listener_problems(nodes):
    """{inventory_hostname: node fact with `role` and `ports`} -> listener port conflicts."""
    if not isinstance(nodes, Mapping) or not all(isinstance(node, Mapping) for node in nodes.values()):
        raise AnsibleFilterError('kraft_listener_problems expects {inventory_hostname: {id, role, host, port, ports}}, '
                                 'got %r' % (nodes,))
    return listener_problems(nodes)


def kraft_decide_cluster_id(discovered, given, expected_node_ids):
    cluster_id, source, problems = decide_cluster_id(given or None, discovered, expected_node_ids)
    return dict(cluster_id=cluster_id, source=source, problems=problems)


def kraft_meta_properties(data_dirs):
    """kraft_node_state's data_dirs ([{path, meta_properties}]) -> [{cluster.id, node.id, ..., path}]
    of the formatted ones."""
    found = []
    for entry in data_dirs:
        if entry.get('meta_properties') is None:
            continue
        props = parse_properties(entry['meta_properties'])
        props['path'] = entry.get('path')
        found.append(props)
    return found


def kraft_new_cluster_id(_ignored=None):
    return new_cluster_id()


def kraft_decide_quorum(controllers, mode, cluster_id, formatted_hosts, reformat_hosts=None, voters=None):
    try:
        return decide_quorum(mode, cluster_id, controllers, formatted_hosts, reformat_hosts or (), voters)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('kraft_decide_quorum expects {host: {node, directory_id, unformatted, running}}: %s'
                                 % exc)


def kraft_quorum_bootstrap_servers(nodes):
    try:
        return quorum_bootstrap_servers(list(nodes))
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError('kraft_quorum_bootstrap_servers: a controller was not discovered or lacks %s' % exc)


def kraft_release_problems(installed, target, mapping_text='', finalized=None):
    try:
        return release_problems(target, installed, mapped_levels(mapping_text) if mapping_text else None,
                                None if finalized in (None, '') else int(finalized))
    except (AttributeError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('kraft_release_problems expects {host: release version}: %s' % exc)


def kraft_quorum_voters(nodes):
    try:
        return quorum_voters(list(nodes))
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError('kraft_quorum_voters: a controller was not discovered or lacks %s' % exc)


def kraft_sha512_from_file(text, name=None):
    try:
        return checksum_from_file(text, name)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


def kraft_directory_specs(paths, owner, group, mode):
    """[path] -> [{path, owner, group, mode}]: the same ownership for each directory."""
    if isinstance(paths, (str, bytes)) or not all(isinstance(path, str) for path in paths):
        raise AnsibleFilterError('kraft_directory_specs expects a list of paths, got %r' % (paths,))
    return [dict(path=path, owner=owner, group=group, mode=mode) for path in paths]


def kraft_file_is(node_state, path, owner, group, mode, content=None, sha256=None):
    current = ((node_state or {}).get('files') or {}).get(path)
    if not current:
        return False
    if content is not None:
        sha256 = hashlib.sha256(str(content).encode('utf-8')).hexdigest()
    if not sha256:
        raise AnsibleFilterError('kraft_file_is needs the content or the sha256 wanted')
    return (current.get('sha256') == str(sha256).lower() and current.get('owner') == owner
            and current.get('group') == group and current.get('mode') == mode)


def kraft_local_file_digest(path, algorithm='sha256'):
    if algorithm not in ('sha256', 'sha512'):
        raise AnsibleFilterError('kraft_local_file_digest: algorithm must be sha256 or sha512, not %r' % (algorithm,))
    if not isinstance(path, str):
        raise AnsibleFilterError('kraft_local_file_digest expects a path, got %r' % (path,))
    try:
        return file_digest(path, algorithm)
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return ''
        raise AnsibleFilterError('kraft_local_file_digest: cannot read %s: %s' % (path, exc))


class FilterModule(object):
    def filters(self):
        return {
            'kraft_inventory_problems': kraft_inventory_problems,
            'kraft_listener_problems': kraft_listener_problems,
            'kraft_decide_cluster_id': kraft_decide_cluster_id,
            'kraft_new_cluster_id': kraft_new_cluster_id,
            'kraft_quorum_voters': kraft_quorum_voters,
            'kraft_decide_quorum': kraft_decide_quorum,
            'kraft_release_of': release_of,
            'kraft_releases_to_prune': releases_to_prune,
            'kraft_releases_between': releases_between,
            'kraft_release_problems': kraft_release_problems,
            'kraft_quorum_bootstrap_servers': kraft_quorum_bootstrap_servers,
            'kraft_properties': parse_properties,
            'kraft_meta_properties': kraft_meta_properties,
            'kraft_sha512_from_file': kraft_sha512_from_file,
            'kraft_stale_dirs': stale_dirs,
            'kraft_data_paths': data_path_report,
            'kraft_local_file_digest': kraft_local_file_digest,
            'kraft_directory_specs': kraft_directory_specs,
            'kraft_file_is': kraft_file_is,
        }
