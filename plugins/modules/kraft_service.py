#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_service
short_description: Install a systemd unit, have its service enabled and running (or restart it), and wait until it listens on a port
version_added: 0.3.0
description:
  - In one module run on the node, makes O(unit_path) hold exactly O(unit) (owned by root, mode
    0644, written beside it and renamed, as M(kafkaops.kraft.kraft_file) writes), reloads systemd
    where the unit's text changed, enables O(name) where it is not enabled, and starts it where it
    is not active (nor activating).
  - With O(state=restarted), restarts O(name) (C(systemctl restart), which stops the running
    process first, as its unit says) and waits for it as for a start; the unit is then only
    written where O(unit) is given, and whether the service is enabled is left as it is.
  - A service this run started or restarted is then waited for until it listens on
    O(listen_port), read from the kernel's socket tables on the node (C(/proc/net/tcp) and
    C(tcp6)) every 0.2 s; systemd is asked once a second whether it gave up on the service. Kafka
    opens its listeners once the node is ready for requests, so this is the moment a client can
    reach it.
  - Before a start (not a restart, nor a start behind a stop in progress), nothing may listen on
    O(listen_port), or the task fails naming the port, in check mode too (the unit may have been
    written by then). Another process there would be taken for the service, and would keep it
    from binding the port.
  - A service whose process exits while it is waited for (systemd reports it failed, stopped, or
    waiting to restart it) fails the task at once, with the last lines of its journal, rather than
    wait out O(timeout) through systemd's restarts. Kafka exits while starting on an error in its
    configuration or its storage, on a port it cannot bind, and on a broker that could not register
    with the quorum within C(initial.broker.registration.timeout.ms); the journal says which. One
    that does not listen within O(timeout) seconds fails with the same.
  - With O(state=started), never restarts a running service, even where its unit changed;
    RV(unit_changed) says so, and the roles restart through their gates, one node at a time, with
    O(state=restarted).
  - Replaces a C(kraft_file) run for the unit, a C(systemd_service) run, and a C(wait_for) that polls
    once a second. That is what the roles' service phase does on a node it starts, and their gated
    restart of one node.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description:
      - Reports what it would change (the unit, a reload, enabling, starting, restarting); changes
        nothing and waits for nothing. Fails, as a real run would, where another process holds O(listen_port).
    support: full
  diff_mode:
    description: Shows the unit's text before and after; where the text is unchanged, the owner, group and mode changed.
    support: full
options:
  name:
    description: The systemd service, such as C(kafka).
    type: str
    required: true
  unit_path:
    description:
      - Where the unit file goes, such as C(/etc/systemd/system/kafka.service). Its directory must
        exist. Required with O(unit), and with O(state=started).
    type: path
  unit:
    description: The whole text of the unit file. Required with O(unit_path), and with O(state=started).
    type: str
  state:
    description:
      - C(started) - installed, enabled and running (started where it is not).
      - C(restarted) - restarted now; whether it is enabled is left as it is.
    type: str
    choices: [started, restarted]
    default: started
  listen_port:
    description:
      - A TCP port the service listens on once it is ready. Where given, a service this run starts
        or restarts is waited for until it does. Not waited for in check mode, nor where the
        service was already running (O(state=started)).
    type: int
  timeout:
    description: Seconds to wait for O(listen_port), from the start; for a restart, from the end of the stop.
    type: int
    default: 120
'''

EXAMPLES = r'''
- name: Install the unit, start Kafka where it is not running, wait for its listener
  kafkaops.kraft.kraft_service:
    name: kafka
    unit_path: /etc/systemd/system/kafka.service
    unit: "{{ lookup('kafkaops.kraft.kraft_template', 'kafka.service.j2') }}"
    listen_port: 9093
    timeout: 120
  register: service

- name: A running node whose unit changed needs a restart (the roles do it through their gates)
  kafkaops.kraft.kraft_service:
    name: kafka
    state: restarted
    listen_port: 9093
  when: service.unit_changed and not service.started
'''

RETURN = r'''
unit_changed:
  description: Whether the unit's text changed (or would); false when only its owner, group or mode did.
  returned: always
  type: bool
  sample: false
reloaded:
  description: Whether systemd was told to reload its units (or would be).
  returned: always
  type: bool
  sample: false
enabled_now:
  description: Whether this run enabled the service (or would); never with O(state=restarted).
  returned: always
  type: bool
  sample: true
started:
  description: Whether this run started or restarted the service (or would).
  returned: always
  type: bool
  sample: true
listening_after:
  description: Seconds from the start (for a restart, from the end of the stop) until the service listened on O(listen_port); where it did not wait, null.
  returned: always
  type: float
  sample: 7.4
'''

import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_files import ensure_file

# systemd's ActiveState values of a service that is running or on its way there (activating also
# covers the wait before an automatic restart): `systemctl start` would not start it again.
RUNNING_STATES = ('active', 'activating', 'reloading')
# A service in one of these is not coming up on its own any more.
GAVE_UP_STATES = ('failed', 'inactive')
# The process exited and systemd waits to start another (Restart=): the start failed, and the task
# fails then rather than wait out the timeout through systemd's restarts (see DOCUMENTATION).
EXITED_SUBSTATE = 'auto-restart'
SHOWN = ('ActiveState', 'SubState', 'Result', 'UnitFileState', 'NRestarts')
POLL_SECONDS = 0.2
TCP_LISTEN = '0A'


def parse_show(output):
    """`systemctl show --property=...` output (Name=value lines) -> dict."""
    return dict(line.partition('=')[::2] for line in output.splitlines() if '=' in line)


def listening_inodes(port, tables=('/proc/net/tcp', '/proc/net/tcp6')):
    """The socket inodes in LISTEN state on TCP port `port`, any local address, from the kernel's
    tables (a missing table, IPv6 off, counts as empty)."""
    inodes = set()
    for table in tables:
        try:
            with open(table) as handle:
                lines = handle.read().splitlines()[1:]
        except (IOError, OSError):
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != TCP_LISTEN:
                continue
            if int(fields[1].rpartition(':')[2], 16) == port:
                inodes.add(fields[9])
    return inodes


class Systemd(object):
    def __init__(self, module, name):
        self.module, self.name = module, name
        # What the module has done so far, returned with a failure too.
        self.result = {}
        self.systemctl = module.get_bin_path('systemctl', required=True)

    def show(self):
        argv = [self.systemctl, 'show'] + ['--property=%s' % p for p in SHOWN] + ['--', self.name]
        rc, out, err = self.module.run_command(argv)
        if rc != 0:
            self.module.fail_json(msg='systemctl show %s failed (rc %s): %s' % (self.name, rc, err.strip()))
        return parse_show(out)

    def run(self, *args):
        argv = [self.systemctl] + list(args)
        rc, dummy_out, err = self.module.run_command(argv)
        if rc != 0:
            self.module.fail_json(msg='%s failed (rc %s): %s%s' % (' '.join(argv), rc, err.strip(), self.journal_tail()),
                                  **self.result)
        return rc

    def journal_tail(self, lines=15):
        journalctl = self.module.get_bin_path('journalctl')
        if not journalctl:
            return ''
        rc, out, dummy_err = self.module.run_command([journalctl, '--no-pager', '-o', 'cat', '-n', str(lines), '-u', self.name])
        return '\nLast lines of its journal:\n%s' % out.rstrip() if rc == 0 and out.strip() else ''


def wait_until_listening(module, systemd, port, timeout, started_at):
    """Poll until something listens on port (nothing but the service could: see main), asking
    systemd once a second whether the process exited; fail_json then, or where timeout passes.
    Returns the seconds since started_at."""
    deadline = started_at + timeout
    polls = 0
    while True:
        if listening_inodes(port):
            return round(time.time() - started_at, 1)
        if polls % int(1 / POLL_SECONDS) == 0:
            state = systemd.show()
            if state.get('ActiveState') in GAVE_UP_STATES or state.get('SubState') == EXITED_SUBSTATE:
                why = 'ActiveState %s, SubState %s, Result %s' % tuple(
                    state.get(key) for key in ('ActiveState', 'SubState', 'Result'))
                module.fail_json(msg='%s exited while it was starting (%s): it never listened on port %d.%s' % (
                    systemd.name, why, port, systemd.journal_tail()), **systemd.result)
        if time.time() >= deadline:
            state = systemd.show()
            module.fail_json(
                msg='%s did not listen on port %d within %d s (ActiveState %s, SubState %s, %s restarts by systemd): '
                    'look at its journal, or raise the timeout.%s' % (
                        systemd.name, port, timeout, state.get('ActiveState'), state.get('SubState'),
                        state.get('NRestarts', '?'), systemd.journal_tail()), **systemd.result)
        polls += 1
        time.sleep(POLL_SECONDS)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            unit_path=dict(type='path'),
            unit=dict(type='str'),
            state=dict(type='str', choices=['started', 'restarted'], default='started'),
            listen_port=dict(type='int'),
            timeout=dict(type='int', default=120),
        ),
        required_if=[('state', 'started', ('unit', 'unit_path'))],
        required_together=[('unit', 'unit_path')],
        supports_check_mode=True,
    )
    params = module.params
    systemd = Systemd(module, params['name'])
    result = systemd.result = dict(changed=False, unit_changed=False, reloaded=False, enabled_now=False, started=False,
                                   listening_after=None)
    outcome = dict(changed=False, content_changed=False, diff=[])
    if params['unit'] is not None:
        outcome = ensure_file(module, params['unit_path'], b_content=to_bytes(params['unit'], errors='surrogate_or_strict'),
                              owner='root', group='root', mode='0644', show_diff=module._diff)
    result.update(changed=outcome['changed'], unit_changed=outcome['content_changed'])
    if outcome['diff']:
        result['diff'] = outcome['diff']
    if outcome['content_changed']:
        result.update(reloaded=True, changed=True)
        if not module.check_mode:
            systemd.run('daemon-reload')
    state = systemd.show()
    restart = params['state'] == 'restarted'
    start = restart or state.get('ActiveState') not in RUNNING_STATES
    port = params['listen_port']
    # Whatever listens on the port once the service starts is taken as the service: so nothing else
    # may listen there now (it would also keep Kafka from binding the port). Not where the service
    # itself still holds it: a restart, or a stop in progress (deactivating), after which
    # `systemctl start` starts it; both return once the old process is gone.
    if start and port and not restart and state.get('ActiveState') != 'deactivating' and listening_inodes(port):
        module.fail_json(msg='something already listens on port %d on this node while %s is not running: stop it '
                             '(a Kafka started by hand?), %s cannot listen there' % (port, params['name'], params['name']),
                         **result)
    if not restart and state.get('UnitFileState') != 'enabled':
        result.update(enabled_now=True, changed=True)
        if not module.check_mode:
            systemd.run('enable', '--', params['name'])
    if start:
        result.update(started=True, changed=True)
        if not module.check_mode:
            systemd.run('restart' if restart else 'start', '--', params['name'])
            # From here: `systemctl restart` returns after the stop (Kafka's controlled shutdown may
            # take minutes), which the timeout is not for.
            started_at = time.time()
            if port:
                result['listening_after'] = wait_until_listening(module, systemd, port, params['timeout'], started_at)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
