#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_file
short_description: Write files from given content, or from files on the Ansible controller, in one module run
version_added: 0.3.0
description:
  - Makes O(dest) hold exactly O(content), owned and moded as asked, in one module run on the
    node. The roles render their templates on the Ansible controller (the lookup
    C(kafkaops.kraft.kraft_template), which is C(ansible.builtin.template)'s) and pass the text here.
  - Where C(ansible.builtin.template) or C(ansible.builtin.copy) with C(content) make a temporary
    directory on the node, stat the file, transfer the rendered file, run the C(copy) module and
    remove the directory (five round trips to the node), this module is one. Meant for
    configuration files of a few kilobytes; the content travels in the module's arguments.
  - A changed file is written to a temporary file beside O(dest) (mode 0600), given its owner,
    group and mode, flushed to disk and then renamed over O(dest). A reader never sees half a file
    nor, for a file holding a secret, a copy readable by others.
  - A symbolic link as O(dest) stands for its target, which is written; the link stays.
  - Fails, naming it, when the directory of O(dest) does not exist (except in check mode, where it
    reports the file as to be created) or when O(dest) is not a regular file.
  - Where the text holds a secret, pass it as O(secret_content), not O(content) (the text is one
    of the module's arguments).
  - A larger or binary file (a jar) comes from O(src), a file on the Ansible controller. The action
    plugin of the same name pushes it into a temporary directory on the node and the module writes
    it as above, without the stat run C(ansible.builtin.copy) makes first. In check mode nothing is
    pushed; the action passes the file's sha256 instead, compared with that of O(dest). The
    module removes the temporary directory at the end of its run (the action only where it could
    not), without a further round trip to the node.
  - O(files) writes several files in the same one module run (a node's configuration, its
    exporter's rules and jar, its TLS material), each entry taking the options of a single file.
    Every entry is checked (its directory exists, it is not a directory, its O(files[].src) can be
    read, no file is named twice) before any is written; then they are written in the order
    given. Each is still replaced whole, but not all at once; a failure part way (an owner or group
    that does not exist, a full disk) leaves the earlier ones written, and the task fails naming
    the one that failed.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reports what it would change and changes nothing.
    support: full
  diff_mode:
    description:
      - Shows the text before and after (for O(src), the sha256 before and after); where the text
        is unchanged, the owner, group and mode changed. None with O(secret_content).
    support: full
options:
  dest:
    description: The file to write. Its directory must exist. One of O(dest) and O(files) is required.
    type: path
  files:
    description:
      - Instead of O(dest) and the options that go with it, several files to write in one run, in
        this order. Two entries may not name the same O(files[].dest).
    type: list
    elements: dict
    version_added: 0.3.0
    suboptions:
      dest:
        description: The file to write. Its directory must exist.
        type: path
        required: true
      content:
        description: As O(content). One of O(files[].content), O(files[].secret_content) and O(files[].src) is required.
        type: str
      secret_content:
        description:
          - As O(secret_content) (masked, no diff for this file). The action plugin moves it to
            O(secret_contents) before the module runs (see there).
        type: str
      content_index:
        description:
          - Set by the action plugin in place of O(files[].secret_content) - its position in
            O(secret_contents).
        type: int
      src:
        description: As O(src) (the action plugin pushes each entry's file).
        type: path
      checksum:
        description: As O(checksum) (set by the action plugin in check mode).
        type: str
      owner:
        description: As O(owner).
        type: str
      group:
        description: As O(group).
        type: str
      mode:
        description: As O(mode).
        type: raw
  content:
    description:
      - The whole text the file must hold, written as UTF-8. One of O(content), O(secret_content)
        and O(src) is required.
    type: str
  secret_content:
    description:
      - Instead of O(content), where the text holds a secret (a password). Ansible masks it in the
        module's logs and result, and no diff is returned; errors stay readable, so the task needs
        no C(no_log).
    type: str
  src:
    description:
      - Instead of O(content), a file on the Ansible controller whose bytes the file must hold
        (the action plugin pushes it; a relative path is looked up as C(ansible.builtin.copy) does).
    type: path
  checksum:
    description:
      - Set by the action plugin in check mode, where O(src) is not pushed - the sha256 of O(src).
    type: str
  secret_contents:
    description:
      - Set by the action plugin - the O(files[].secret_content) of the entries, taken out of
        O(files). A module logs its arguments on the node (journald or syslog) when it starts,
        and a secret inside a list of entries would be logged as part of that list's text; this
        option, a secret as a whole, is logged as hidden.
    type: list
    elements: str
  owner:
    description: Owner of the file (a name or a numeric ID); where not given, the existing file's, or the module's user.
    type: str
  group:
    description: Group of the file (a name or a numeric ID); where not given, the existing file's, or the module's user's.
    type: str
  mode:
    description:
      - Octal mode of the file, as a quoted string such as C("0640"); where not given, the existing
        file's, or for a new file 0666 less the umask.
    type: raw
'''

EXAMPLES = r'''
- name: Template controller.properties (rendered here, written in one run on the node)
  kafkaops.kraft.kraft_file:
    dest: /etc/kafka/controller.properties
    content: "{{ lookup('kafkaops.kraft.kraft_template', 'controller.properties.j2') }}"
    owner: root
    group: kafka
    mode: "0640"
  register: config

- name: A file holding a password - masked in the result, no diff
  kafkaops.kraft.kraft_file:
    dest: /etc/kafka/jmx-exporter.yml
    secret_content: "{{ lookup('kafkaops.kraft.kraft_template', 'jmx-exporter.yml.j2') }}"
    owner: root
    group: kafka
    mode: "0640"

- name: A jar from the Ansible controller (pushed, then written beside dest and renamed)
  kafkaops.kraft.kraft_file:
    src: /srv/cache/jmx_prometheus_javaagent-1.0.1.jar
    dest: /opt/kafka/jmx_prometheus_javaagent-1.0.1.jar
    owner: root
    group: root
    mode: "0644"

- name: The exporter's jar and rules in one module run (a change of either restarts the node)
  kafkaops.kraft.kraft_file:
    files:
      - src: /srv/cache/jmx_prometheus_javaagent-1.0.1.jar
        dest: /opt/kafka/jmx_prometheus_javaagent-1.0.1.jar
        owner: root
        group: root
        mode: "0644"
      - dest: /etc/kafka/jmx-exporter.yml
        content: "{{ lookup('kafkaops.kraft.kraft_template', 'jmx-exporter.yml.j2') }}"
        owner: root
        group: kafka
        mode: "0640"
  register: exporter
'''

RETURN = r'''
dest:
  description: The file written (or that would be).
  returned: with O(dest)
  type: str
  sample: /etc/kafka/controller.properties
content_changed:
  description:
    - Whether the text of the file changed (or would); false when only owner, group or mode did.
      With O(files), whether that of any of them did.
  returned: always
  type: bool
  sample: true
files:
  description: With O(files), what each entry changed (or would), in the order given.
  returned: with O(files)
  type: list
  elements: dict
  contains:
    dest:
      description: The entry's O(files[].dest).
      type: str
      sample: /etc/kafka/jmx-exporter.yml
    changed:
      description: Whether the file's text, owner, group or mode changed (or would).
      type: bool
      sample: false
    content_changed:
      description: Whether the file's text changed (or would).
      type: bool
      sample: false
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_files import check_dest, ensure_file, remove_pushed

# What gives a file its bytes: one of these, in the single form and in each entry of files
# (where the action plugin replaces secret_content with content_index).
SOURCES = ('content', 'secret_content', 'src', 'checksum')
ENTRY_SOURCES = SOURCES + ('content_index',)


def file_options():
    """The options of one file, for the single form and for each entry of files."""
    return dict(
        content=dict(type='str'),
        secret_content=dict(type='str', no_log=True),
        src=dict(type='path'),
        checksum=dict(type='str'),
        owner=dict(type='str'),
        group=dict(type='str'),
        mode=dict(type='raw'),
    )


def content_of(module, spec):
    """(bytes or None, checksum or None, binary, secret) for one file's options."""
    dest, src, checksum = spec['dest'], spec['src'], spec['checksum']
    index = spec.get('content_index')
    if index is not None:
        secrets = module.params['secret_contents'] or []
        if not 0 <= index < len(secrets):
            module.fail_json(msg='content_index %d of %s is not in secret_contents (%d given)' % (index, dest, len(secrets)),
                             dest=dest)
        return to_bytes(secrets[index], errors='surrogate_or_strict'), None, False, True
    secret = spec['secret_content'] is not None
    if checksum is not None and not module.check_mode:
        module.fail_json(msg='checksum stands for src in check mode only: give src (the action plugin pushes it)', dest=dest)
    if src is not None:
        try:
            with open(src, 'rb') as handle:
                return handle.read(), None, True, False
        except (IOError, OSError) as error:
            module.fail_json(msg='cannot read src %s on the node: %s' % (src, to_native(error)), dest=dest)
    if checksum is not None:
        return None, checksum, True, False
    text = spec['secret_content'] if secret else spec['content']
    return to_bytes(text, errors='surrogate_or_strict'), None, False, secret


def main():
    entry = dict(file_options(), dest=dict(type='path', required=True), content_index=dict(type='int'))
    module = AnsibleModule(
        argument_spec=dict(
            file_options(),
            dest=dict(type='path'),
            files=dict(type='list', elements='dict', options=entry,
                       mutually_exclusive=[ENTRY_SOURCES], required_one_of=[ENTRY_SOURCES]),
            secret_contents=dict(type='list', elements='str', no_log=True),
        ),
        mutually_exclusive=[('content', 'secret_content', 'src', 'checksum')]
        + [('files', name) for name in ('dest',) + SOURCES + ('owner', 'group', 'mode')],
        required_one_of=[('dest', 'files')],
        required_by=dict(secret_contents='files'),
        supports_check_mode=True,
    )
    params = module.params
    single = params['files'] is None
    specs = [params] if single else params['files']
    if single and not any(params[name] is not None for name in SOURCES):
        module.fail_json(msg='one of the following is required: %s' % ', '.join(SOURCES), dest=params['dest'])
    seen, contents = {}, []
    for spec in specs:
        # Every file is checked, and every src read, before any is written.
        path = os.path.realpath(check_dest(module, spec['dest']))
        if path in seen:
            module.fail_json(msg='files: %s and %s are the same file: give each file once' % (seen[path], spec['dest']),
                             dest=spec['dest'])
        seen[path] = spec['dest']
        contents.append(content_of(module, spec))
    outcomes, diffs = [], []
    for spec, (b_content, checksum, binary, secret) in zip(specs, contents):
        outcome = ensure_file(module, spec['dest'], b_content=b_content, checksum=checksum, owner=spec['owner'],
                              group=spec['group'], mode=spec['mode'], binary=binary,
                              show_diff=module._diff and not secret)
        outcomes.append(dict(dest=spec['dest'], changed=outcome['changed'], content_changed=outcome['content_changed']))
        diffs.extend(outcome['diff'])
    result = dict(changed=any(outcome['changed'] for outcome in outcomes),
                  content_changed=any(outcome['content_changed'] for outcome in outcomes))
    if single:
        result['dest'] = params['dest']
    else:
        result['files'] = outcomes
    if diffs:
        result['diff'] = diffs
    remove_pushed(module, result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
