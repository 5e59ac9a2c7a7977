#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_directories
short_description: Make a list of directories exist with their owner, group and mode, in one module run
version_added: 0.3.0
description:
  - For each entry of O(directories), creates the directory where it is missing (and its missing
    parents, owned by the user running the module with the default mode, as C(ansible.builtin.file)
    does) and sets its owner, group and mode where they differ.
  - One module run on the node for the whole list, where a loop of C(ansible.builtin.file) is one
    run per directory. The roles' install phase passes the directories discover found not exactly
    as wanted.
  - A symbolic link to a directory stands for its target, whose owner, group and mode are set.
  - Never removes or empties anything. Fails, naming the path, where something other than a
    directory (a file, a dangling link) is in the way; directories before it in the list are then
    already done.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reports what it would create or change and changes nothing.
    support: full
  diff_mode:
    description: Shows, per directory, its state (absent or directory), owner, group and mode before and after.
    support: full
options:
  directories:
    description: The directories, in the order to create them.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the directory.
        type: path
        required: true
      owner:
        description: Owner (a name or a numeric ID); left as is when not given.
        type: str
      group:
        description: Group (a name or a numeric ID); left as is when not given.
        type: str
      mode:
        description: Octal mode, as a quoted string such as C("0750"); left as is when not given.
        type: raw
'''

EXAMPLES = r'''
- name: Create the install, configuration, log and data directories
  kafkaops.kraft.kraft_directories:
    directories:
      - {path: /opt/kafka, owner: root, group: kafka, mode: "0755"}
      - {path: /etc/kafka, owner: root, group: kafka, mode: "0750"}
      - {path: /var/lib/kafka/metadata, owner: kafka, group: kafka, mode: "0750"}
'''

RETURN = r'''
changed_paths:
  description: The directories created or changed (or that would be, in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [/opt/kafka, /var/lib/kafka/metadata]
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native


def ensure(module, spec):
    """Create spec['path'] where missing and set its attributes; (changed, diff) of this one."""
    path = spec['path']
    b_path = to_bytes(path, errors='surrogate_or_strict')
    diff = dict(before=dict(path=path), after=dict(path=path))
    if os.path.lexists(b_path) and not os.path.isdir(b_path):
        module.fail_json(msg='%s exists and is not a directory: move it away, then run again' % path, path=path)
    if os.path.islink(b_path):
        # A link to a directory (a data directory on another mount): its target is the directory.
        path = os.path.realpath(path)
        b_path = to_bytes(path, errors='surrogate_or_strict')
    changed = False
    if not os.path.isdir(b_path):
        changed = True
        diff['before']['state'], diff['after']['state'] = 'absent', 'directory'
        if module.check_mode:
            diff['after'].update((key, spec[key]) for key in ('owner', 'group', 'mode') if spec.get(key) is not None)
            return changed, diff
        try:
            os.makedirs(b_path)
        except OSError as error:
            module.fail_json(msg='cannot create %s: %s' % (path, to_native(error)), path=path)
    file_args = dict(path=path, owner=spec.get('owner'), group=spec.get('group'), mode=spec.get('mode'),
                     secontext=[None, None, None], attributes=None)
    changed = module.set_fs_attributes_if_different(file_args, changed, diff=diff)
    return changed, diff


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directories=dict(type='list', elements='dict', required=True, options=dict(
                path=dict(type='path', required=True),
                owner=dict(type='str'),
                group=dict(type='str'),
                mode=dict(type='raw'),
            )),
        ),
        supports_check_mode=True,
    )
    changed_paths, diffs = [], []
    for spec in module.params['directories']:
        if not os.path.isabs(spec['path']):
            module.fail_json(msg='directories: %s is not an absolute path' % spec['path'], path=spec['path'])
        changed, diff = ensure(module, spec)
        if changed:
            changed_paths.append(spec['path'])
            diffs.append(diff)
    result = dict(changed=bool(changed_paths), changed_paths=changed_paths)
    if module._diff and diffs:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
