#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_node_state
short_description: Read what a Kafka node's disk already holds, in one pass
version_added: 0.3.0
description:
  - Read-only. Reads, on the node, the C(meta.properties) of every data directory, the node's
    configuration file, where the C(current) release link points, whether a release is unpacked,
    and which of a list of Debian packages are not installed.
  - It also tells whether the Kafka user and group, and each of a list of directories, are
    exactly as wanted, and the sha256, owner, group and mode of a list of files, so that a converge
    can skip the C(group), C(user), C(file), C(template) and C(copy) runs that would change nothing.
  - One module run instead of a C(slurp) per data directory, a C(slurp) of the configuration, a
    C(stat) of the link, a C(stat) of the release, an C(apt) run, a C(group), a C(user) and a
    C(file) run per directory on every converge. The roles' discover phase calls it once per node
    and per run; the install phase acts only on what it reports missing or different.
  - A missing C(meta.properties) or configuration file is reported as missing; any other error
    reading one (permissions, a directory where the file belongs) fails the module, naming the path.
    Of O(files), only regular files are reported; of O(current_link), only a link's target.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is nothing to show.
    support: none
options:
  data_dirs:
    description:
      - Data directories whose C(meta.properties) to read (the metadata directory of a controller,
        the log directories of a broker).
    type: list
    elements: path
    required: true
  config_file:
    description: A configuration file to return the text of (the controller's, to tell how it finds the quorum).
    type: path
  current_link:
    description: The symbolic link to the active release; its target is returned.
    type: path
  release_dir:
    description:
      - A release directory; RV(release_unpacked) says whether its C(bin/kafka-server-start.sh) exists.
    type: path
  packages:
    description:
      - Debian package names; RV(packages_missing) lists those C(dpkg-query) does not report as
        installed (all of them where there is no C(dpkg-query)).
    type: list
    elements: str
    default: []
  user:
    description:
      - The system user wanted; RV(user_ok) says whether it and its primary group exist with
        exactly this group, login shell and home.
    type: dict
    suboptions:
      name:
        description: User name.
        type: str
        required: true
      group:
        description: Primary group name.
        type: str
        required: true
      shell:
        description: Login shell.
        type: str
        required: true
      home:
        description: Home directory.
        type: str
        required: true
  directories:
    description:
      - Directories wanted; RV(directories_ok) lists those that exist as directories with exactly
        this owner, group and mode.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The directory.
        type: path
        required: true
      owner:
        description: Owner name.
        type: str
        required: true
      group:
        description: Group name.
        type: str
        required: true
      mode:
        description: Octal mode, like C(0750).
        type: str
        required: true
  files:
    description:
      - Files whose sha256, owner, group and mode to return in RV(files) (the configuration, the
        systemd unit, the exporter's jar and rules).
    type: list
    elements: path
    default: []
  service:
    description:
      - A systemd unit whose state to return in RV(service) (C(systemctl show)), so that a converge
        can skip starting a unit that is already active and enabled.
    type: str
notes:
  - Meant for the roles of kafkaops.kraft (run with become, as the files are the Kafka user's).
'''

EXAMPLES = r'''
- name: Read what this controller's disk holds
  kafkaops.kraft.kraft_node_state:
    data_dirs: [/var/lib/kafka/metadata]
    config_file: /etc/kafka/controller.properties
    current_link: /opt/kafka/current
    release_dir: /opt/kafka/kafka_2.13-4.4.0
    packages: [openjdk-17-jre-headless]
    user: {name: kafka, group: kafka, shell: /usr/sbin/nologin, home: /opt/kafka}
    directories:
      - {path: /etc/kafka, owner: root, group: kafka, mode: "0750"}
  register: node_state

- name: Format only the directories without meta.properties
  ansible.builtin.debug:
    msg: "{{ node_state.data_dirs | rejectattr('meta_properties') | map(attribute='path') | list }}"
'''

RETURN = r'''
data_dirs:
  description: One entry per O(data_dirs), in order.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The directory.
      type: str
    meta_properties:
      description: The text of its C(meta.properties), or null when there is none (an unformatted directory).
      type: str
config:
  description: The text of O(config_file), or null when it does not exist (or was not asked for).
  returned: always
  type: str
current_link_target:
  description: Where O(current_link) points; empty when it is not a link (a bare host) or was not asked for.
  returned: always
  type: str
  sample: /opt/kafka/kafka_2.13-4.4.0
current_link_owner:
  description:
    - The owner and group of what O(current_link) points at, as C(owner:group) (the file module's
      C(owner) and C(group) on a link apply to its target); empty when there is no link or no target.
  returned: always
  type: str
  sample: "root:root"
release_unpacked:
  description: Whether O(release_dir) holds an unpacked release (false when not asked for).
  returned: always
  type: bool
packages_missing:
  description: The names of O(packages) that are not installed.
  returned: always
  type: list
  elements: str
user_ok:
  description: Whether O(user) exists as wanted (false when not asked for).
  returned: always
  type: bool
directories_ok:
  description: The paths of O(directories) that are directories with the owner, group and mode wanted.
  returned: always
  type: list
  elements: str
files:
  description: Each of O(files) that is a regular file, by path; a missing one is left out.
  returned: always
  type: dict
  sample: {"/etc/kafka/broker.properties": {"sha256": "9f86d0...", "owner": "root", "group": "kafka", "mode": "0640"}}
service:
  description:
    - The C(LoadState), C(ActiveState) and C(UnitFileState) of O(service) as C(systemctl show)
      reports them; empty when O(service) was not asked for or there is no C(systemctl).
  returned: always
  type: dict
  sample: {"load_state": "loaded", "active_state": "active", "unit_file_state": "enabled"}
'''

import errno
import grp
import hashlib
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_user import user_is_as_wanted


def read_text(path):
    """The file's text, or None when it does not exist."""
    try:
        with open(path, 'rb') as handle:
            return to_text(handle.read(), errors='surrogate_then_replace')
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise


def link_target(path):
    try:
        return os.readlink(path)
    except (IOError, OSError) as exc:
        if exc.errno in (errno.ENOENT, errno.EINVAL):  # missing, or not a link
            return ''
        raise


def link_owner(path):
    try:
        st = os.stat(path)  # follows the link
    except (IOError, OSError):
        return ''
    return '%s:%s' % (name_of(pwd.getpwuid, st.st_uid), name_of(grp.getgrgid, st.st_gid))


def installed_packages(output):
    """`dpkg-query -W -f '${Package}\\t${Status}\\n'` output -> the names installed."""
    installed = set()
    for line in output.splitlines():
        name, dummy, status = line.partition('\t')
        if status.strip().endswith('install ok installed'):
            installed.add(name.split(':')[0].strip())
    return installed


def missing_packages(module, packages):
    if not packages:
        return []
    dpkg_query = module.get_bin_path('dpkg-query')
    if not dpkg_query:
        return list(packages)
    # rc 1 when a name is unknown: still a valid answer for the names it knows.
    dummy_rc, out, dummy_err = module.run_command([dpkg_query, '-W', '-f', '${Package}\t${Status}\n'] + list(packages))
    installed = installed_packages(out)
    return [name for name in packages if name not in installed]


def user_ok(wanted):
    return bool(wanted) and user_is_as_wanted(wanted)


def directory_ok(wanted):
    try:
        st = os.lstat(wanted['path'])
        owner = pwd.getpwnam(wanted['owner']).pw_uid
        group = grp.getgrnam(wanted['group']).gr_gid
        mode = int(wanted['mode'], 8)
    except (KeyError, ValueError, IOError, OSError):
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == owner and st.st_gid == group and stat.S_IMODE(st.st_mode) == mode


def name_of(table, number):
    try:
        return table(number)[0]
    except KeyError:
        return str(number)


def file_state(path):
    """sha256, owner, group and mode of a regular file; None when it is missing or no regular file."""
    try:
        st = os.stat(path)
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise
    if not stat.S_ISREG(st.st_mode):
        return None
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return dict(sha256=digest.hexdigest(), owner=name_of(pwd.getpwuid, st.st_uid), group=name_of(grp.getgrgid, st.st_gid),
                mode='%04o' % stat.S_IMODE(st.st_mode))


SERVICE_PROPERTIES = (('LoadState', 'load_state'), ('ActiveState', 'active_state'), ('UnitFileState', 'unit_file_state'))


def service_properties(output):
    """`systemctl show --property=...` output (Name=value lines) -> the states by our names."""
    values = dict(line.partition('=')[::2] for line in output.splitlines() if '=' in line)
    return dict((ours, values.get(theirs, '').strip()) for theirs, ours in SERVICE_PROPERTIES)


def service_state(module, name):
    if not name:
        return {}
    systemctl = module.get_bin_path('systemctl')
    if not systemctl:
        return {}
    argv = [systemctl, 'show'] + ['--property=%s' % theirs for theirs, dummy in SERVICE_PROPERTIES] + ['--', name]
    rc, out, dummy_err = module.run_command(argv)
    # No answer (no systemd running): nothing is known, so nothing may be skipped.
    return service_properties(out) if rc == 0 else {}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            data_dirs=dict(type='list', elements='path', required=True),
            config_file=dict(type='path'),
            current_link=dict(type='path'),
            release_dir=dict(type='path'),
            packages=dict(type='list', elements='str', default=[]),
            user=dict(type='dict', options=dict(name=dict(type='str', required=True), group=dict(type='str', required=True),
                                                shell=dict(type='str', required=True), home=dict(type='str', required=True))),
            directories=dict(type='list', elements='dict', default=[],
                             options=dict(path=dict(type='path', required=True), owner=dict(type='str', required=True),
                                          group=dict(type='str', required=True), mode=dict(type='str', required=True))),
            files=dict(type='list', elements='path', default=[]),
            service=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    path = None
    try:
        data_dirs = []
        for directory in params['data_dirs']:
            path = os.path.join(directory, 'meta.properties')
            data_dirs.append(dict(path=directory, meta_properties=read_text(path)))
        path = params['config_file']
        config = read_text(path) if path else None
        path = params['current_link']
        current = link_target(path) if path else ''
        current_owner = link_owner(path) if current else ''
        path = params['release_dir']
        unpacked = bool(path) and os.path.isfile(os.path.join(path, 'bin', 'kafka-server-start.sh'))
        files = {}
        for path in params['files']:
            state = file_state(path)
            if state:
                files[path] = state
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot read %s: %s' % (path, to_text(exc)))
    module.exit_json(changed=False, data_dirs=data_dirs, config=config, current_link_target=current, current_link_owner=current_owner,
                     release_unpacked=unpacked, packages_missing=missing_packages(module, params['packages']),
                     user_ok=user_ok(params['user']),
                     directories_ok=[wanted['path'] for wanted in params['directories'] if directory_ok(wanted)],
                     files=files, service=service_state(module, params['service']))


if __name__ == '__main__':
    main()
