#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_file
short_description: Write a small text file from given content in one module run
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
  - Fails, naming it, when the directory of O(dest) does not exist (except in check mode, where it
    reports the file as to be created) or when O(dest) is not a regular file.
  - Where the content holds a secret, set the task's C(no_log) (the content is one of its
    arguments); the diff then is not shown either.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Reports what it would change and changes nothing.
    support: full
  diff_mode:
    description: Shows the text before and after, and the owner, group and mode changed.
    support: full
options:
  dest:
    description: The file to write. Its directory must exist.
    type: path
    required: true
  content:
    description: The whole text the file must hold, written as UTF-8.
    type: str
    required: true
  owner:
    description: Owner of the file (a name or a numeric ID); left as is when not given.
    type: str
  group:
    description: Group of the file (a name or a numeric ID); left as is when not given.
    type: str
  mode:
    description: Octal mode of the file, as a quoted string such as C("0640").
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

- name: A file holding a password - no arguments or diff in the logs
  kafkaops.kraft.kraft_file:
    dest: /etc/kafka/jmx-exporter.yml
    content: "{{ lookup('ansible.builtin.template', 'jmx-exporter.yml.j2') }}"
    owner: root
    group: kafka
    mode: "0640"
  no_log: true
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

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text


def read_current(b_dest):
    """The bytes the file holds, or None where there is none."""
    try:
        with open(b_dest, 'rb') as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomically(module, b_dest, b_content, file_args):
    """Write b_content beside b_dest, set owner, group and mode, fsync, then rename over b_dest."""
    b_dir = os.path.dirname(b_dest) or b'.'
    fd, b_tmp = tempfile.mkstemp(dir=b_dir, prefix=b'.' + os.path.basename(b_dest) + b'.')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(b_content)
            handle.flush()
            os.fsync(handle.fileno())
        tmp_args = dict(file_args, path=to_native(b_tmp))
        module.set_fs_attributes_if_different(tmp_args, False)
        os.rename(b_tmp, b_dest)
    except Exception:
        if os.path.exists(b_tmp):
            os.unlink(b_tmp)
        raise


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type='path', required=True),
            content=dict(type='str', required=True),
            owner=dict(type='str'),
            group=dict(type='str'),
            mode=dict(type='raw'),
        ),
        supports_check_mode=True,
    )
    dest = module.params['dest']
    b_dest = to_bytes(dest, errors='surrogate_or_strict')
    b_content = to_bytes(module.params['content'], errors='surrogate_or_strict')
    file_args = dict(path=dest, owner=module.params['owner'], group=module.params['group'],
                     mode=module.params['mode'], secontext=[None, None, None], attributes=None)

    if os.path.lexists(b_dest) and not os.path.isfile(b_dest):
        module.fail_json(msg='%s exists and is not a regular file: move it away, this module writes a file there' % dest,
                         dest=dest)
    b_dir = os.path.dirname(b_dest) or b'.'
    if not os.path.isdir(b_dir) and not module.check_mode:
        module.fail_json(msg='the directory of %s does not exist: create it first' % dest, dest=dest)
    try:
        b_before = read_current(b_dest)
    except (IOError, OSError) as error:
        module.fail_json(msg='cannot read %s: %s' % (dest, to_native(error)), dest=dest)

    content_changed = b_before != b_content
    diffs = []
    if module._diff and content_changed:
        diffs.append(dict(before_header=dest, after_header=dest,
                          before=to_text(b_before or b'', errors='surrogate_or_replace'),
                          after=to_text(b_content, errors='surrogate_or_replace')))
    changed = content_changed
    if content_changed and not module.check_mode:
        try:
            write_atomically(module, b_dest, b_content, file_args)
        except (IOError, OSError) as error:
            module.fail_json(msg='cannot write %s: %s' % (dest, to_native(error)), dest=dest)
    elif b_before is not None:
        # Same text: only owner, group or mode may differ (check mode honoured by the helper).
        attr_diff = dict(before=dict(path=dest), after=dict(path=dest))
        changed = module.set_fs_attributes_if_different(file_args, False, diff=attr_diff)
        if changed and module._diff:
            diffs.append(attr_diff)

    result = dict(changed=changed, dest=dest, content_changed=content_changed)
    if diffs:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
