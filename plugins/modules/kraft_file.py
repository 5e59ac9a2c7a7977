#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_file
short_description: Write a file from given content, or from a file on the Ansible controller, in one module run
version_added: 0.3.0
description:
  - Makes O(dest) hold exactly O(content), owned and moded as asked, in one module run on the
    node. The roles render their templates on the Ansible controller (the
    C(ansible.builtin.template) lookup) and pass the text here.
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
    pushed; the action passes the file's sha256 instead, compared with that of O(dest).
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
    description: The file to write. Its directory must exist.
    type: path
    required: true
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
    content: "{{ lookup('ansible.builtin.template', 'controller.properties.j2') }}"
    owner: root
    group: kafka
    mode: "0640"
  register: config

- name: A file holding a password - masked in the result, no diff
  kafkaops.kraft.kraft_file:
    dest: /etc/kafka/jmx-exporter.yml
    secret_content: "{{ lookup('ansible.builtin.template', 'jmx-exporter.yml.j2') }}"
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
'''

RETURN = r'''
dest:
  description: The file written (or that would be).
  returned: always
  type: str
  sample: /etc/kafka/controller.properties
content_changed:
  description: Whether the text of the file changed (or would); false when only owner, group or mode did.
  returned: always
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_files import ensure_file


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type='path', required=True),
            content=dict(type='str'),
            secret_content=dict(type='str', no_log=True),
            src=dict(type='path'),
            checksum=dict(type='str'),
            owner=dict(type='str'),
            group=dict(type='str'),
            mode=dict(type='raw'),
        ),
        mutually_exclusive=[('content', 'secret_content', 'src', 'checksum')],
        required_one_of=[('content', 'secret_content', 'src', 'checksum')],
        supports_check_mode=True,
    )
    dest = module.params['dest']
    secret = module.params['secret_content'] is not None
    text = module.params['secret_content'] if secret else module.params['content']
    src, checksum = module.params['src'], module.params['checksum']
    if checksum is not None and not module.check_mode:
        module.fail_json(msg='checksum stands for src in check mode only: give src (the action plugin pushes it)', dest=dest)
    b_content = None
    if src is not None:
        try:
            with open(src, 'rb') as handle:
                b_content = handle.read()
        except (IOError, OSError) as error:
            module.fail_json(msg='cannot read src %s on the node: %s' % (src, to_native(error)), dest=dest)
    elif checksum is None:
        b_content = to_bytes(text, errors='surrogate_or_strict')

    outcome = ensure_file(module, dest, b_content=b_content, checksum=checksum, owner=module.params['owner'],
                          group=module.params['group'], mode=module.params['mode'], binary=src is not None,
                          show_diff=module._diff and not secret)
    result = dict(changed=outcome['changed'], dest=dest, content_changed=outcome['content_changed'])
    if outcome['diff']:
        result['diff'] = outcome['diff']
    module.exit_json(**result)


if __name__ == '__main__':
    main()
