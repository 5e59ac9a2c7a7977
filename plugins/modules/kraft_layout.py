#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_layout
short_description: Make the Kafka system user, its group and a list of directories exist, in one module run
version_added: 0.3.0
description:
  - With O(user), creates its primary group (a system group) where missing, then the user (a
    system user, no home directory created) where missing, or sets its group, shell and home where
    they differ, with C(groupadd), C(useradd) and C(usermod).
  - Then, for each entry of O(directories), creates the directory where it is missing, and its
    missing parents with the same owner, group and mode (as C(ansible.builtin.file) does), and
    sets its owner, group and mode where they differ.
  - One module run on the node where C(ansible.builtin.group), C(ansible.builtin.user) and a loop
    of C(ansible.builtin.file) are one run each, and one per directory. The roles' install phase
    passes what discover found not exactly as wanted.
  - A symbolic link to a directory stands for its target, whose owner, group and mode are set.
  - Never removes a user, a group or a directory, and never empties anything. Fails, naming the
    path, where something other than a directory (a file, a dangling link) is in the way; what
    comes before it is then already done.
  - Linux only (the shadow-utils commands).
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reports what it would create or change and changes nothing.
    support: full
  diff_mode:
    description: Shows the user, and per directory its state, owner, group and mode, before and after.
    support: full
options:
  user:
    description: The system user to run Kafka as, and its primary group. Left alone when not given.
    type: dict
    suboptions:
      name:
        description: User name.
        type: str
        required: true
      group:
        description: Its primary group, created as a system group where missing.
        type: str
        required: true
      shell:
        description: Its login shell (a non-login shell such as C(/usr/sbin/nologin) for a service).
        type: str
        default: /usr/sbin/nologin
      home:
        description: Its home directory as recorded in the user database; never created by this module.
        type: path
        required: true
  directories:
    description: The directories, in the order to create them.
    type: list
    elements: dict
    default: []
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
- name: Create the Kafka user and group and the install, configuration and data directories
  kafkaops.kraft.kraft_layout:
    user: {name: kafka, group: kafka, shell: /usr/sbin/nologin, home: /opt/kafka}
    directories:
      - {path: /opt/kafka, owner: root, group: kafka, mode: "0755"}
      - {path: /etc/kafka, owner: root, group: kafka, mode: "0750"}
      - {path: /var/lib/kafka/metadata, owner: kafka, group: kafka, mode: "0750"}
'''

RETURN = r'''
user_changed:
  description: Whether the user or its group was created or changed (or would be, in check mode).
  returned: always
  type: bool
  sample: true
changed_paths:
  description: The directories created or changed (or that would be, in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [/opt/kafka, /var/lib/kafka/metadata]
'''

import grp
import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_user import read_user, user_differences

USERMOD_FLAGS = dict(group='--gid', shell='--shell', home='--home')


def ensure_user(module, wanted):
    """Create the group and the user, or set the user's group, shell and home; (changed, diff)."""
    before, after = {}, dict(name=wanted['name'], group=wanted['group'], shell=wanted['shell'], home=wanted['home'])
    commands = []
    found = read_user(wanted)
    if found['group_gid'] is None:
        before['group_state'], after['group_state'] = 'absent', 'present'
        commands.append([module.get_bin_path('groupadd', required=True), '--system', wanted['group']])
    current = found['user']
    if current is None:
        before['state'], after['state'] = 'absent', 'present'
        commands.append([module.get_bin_path('useradd', required=True), '--system', '--gid', wanted['group'],
                         '--shell', wanted['shell'], '--home-dir', wanted['home'], '--no-create-home', wanted['name']])
    else:
        before.update(name=wanted['name'], group=current['group'], shell=current['shell'], home=current['home'])
        flags = []
        for field in user_differences(wanted, found):
            flags += [USERMOD_FLAGS[field], wanted[field]]
        if flags:
            commands.append([module.get_bin_path('usermod', required=True)] + flags + [wanted['name']])
    if commands and not module.check_mode:
        for argv in commands:
            rc, out, err = module.run_command(argv)
            if rc != 0:
                module.fail_json(msg='%s failed (rc %s): %s' % (' '.join(argv), rc, (err or out).strip()),
                                 user=wanted['name'])
    return bool(commands), dict(before=before, after=after)


def resolvable(spec):
    """Whether the owner and group of a directory spec exist on this host (not yet, in check mode,
    where the user is still to be created)."""
    for table, key in ((pwd.getpwnam, 'owner'), (grp.getgrnam, 'group')):
        name = spec.get(key)
        if name is not None and not str(name).isdigit():
            try:
                table(name)
            except KeyError:
                return False
    return True


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
    file_args = dict(path=path, owner=spec.get('owner'), group=spec.get('group'), mode=spec.get('mode'),
                     secontext=[None, None, None], attributes=None)
    changed = False
    if not os.path.isdir(b_path):
        changed = True
        diff['before']['state'], diff['after']['state'] = 'absent', 'directory'
        if module.check_mode:
            diff['after'].update((key, spec[key]) for key in ('owner', 'group', 'mode') if spec.get(key) is not None)
            return changed, diff
        # Each missing level, the parents too, gets the owner, group and mode of this directory,
        # as ansible.builtin.file gives them (/var/lib/kafka of /var/lib/kafka/data: the Kafka
        # user must be able to reach its data whatever the umask).
        current = ''
        for part in path.strip('/').split('/'):
            current += '/' + part
            b_current = to_bytes(current, errors='surrogate_or_strict')
            if os.path.isdir(b_current):
                continue
            try:
                os.mkdir(b_current)
            except OSError as error:
                module.fail_json(msg='cannot create %s: %s' % (current, to_native(error)), path=path)
            if current != path:
                module.set_fs_attributes_if_different(dict(file_args, path=current), False)
    if module.check_mode and not resolvable(spec):
        # Check mode with the user or group still to be created: it would be chowned to it.
        diff['after'].update((key, spec[key]) for key in ('owner', 'group') if spec.get(key) is not None)
        return True, diff
    changed = module.set_fs_attributes_if_different(file_args, changed, diff=diff)
    return changed, diff


def main():
    module = AnsibleModule(
        argument_spec=dict(
            user=dict(type='dict', options=dict(
                name=dict(type='str', required=True),
                group=dict(type='str', required=True),
                shell=dict(type='str', default='/usr/sbin/nologin'),
                home=dict(type='path', required=True),
            )),
            directories=dict(type='list', elements='dict', default=[], options=dict(
                path=dict(type='path', required=True),
                owner=dict(type='str'),
                group=dict(type='str'),
                mode=dict(type='raw'),
            )),
        ),
        supports_check_mode=True,
    )
    changed_paths, diffs, user_changed = [], [], False
    for spec in module.params['directories']:
        if not os.path.isabs(spec['path']):
            module.fail_json(msg='directories: %s is not an absolute path' % spec['path'], path=spec['path'])
    if module.params['user']:
        user_changed, user_diff = ensure_user(module, module.params['user'])
        if user_changed:
            diffs.append(user_diff)
    for spec in module.params['directories']:
        changed, diff = ensure(module, spec)
        if changed:
            changed_paths.append(spec['path'])
            diffs.append(diff)
    result = dict(changed=user_changed or bool(changed_paths), user_changed=user_changed, changed_paths=changed_paths)
    if module._diff and diffs:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
