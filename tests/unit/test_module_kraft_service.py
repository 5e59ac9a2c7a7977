"""kraft_service: the unit is written to a real directory, the listener is a real socket read from
this machine's /proc/net/tcp; systemctl is a stand-in on PATH (no systemd runs where the unit tests
do; the Molecule scenarios start Kafka with the module through the real one on the containers)."""
import json
import os
import signal
import socket
import sys

import pytest

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_service
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module

UNIT = '[Unit]\nDescription=Kafka\n[Service]\nExecStart=/bin/true\n'

# The stand-in: keeps the service's state in state.json, logs each call in calls.txt; `start` sets
# it active (or failed, where state.json says fail) and, where state.json names a port, spawns a
# process that listens there after `delay` seconds.
SYSTEMCTL = r'''#!%(python)s
import json, os, subprocess, sys
here = os.path.dirname(os.path.abspath(__file__))
state_file = os.path.join(here, 'state.json')
state = json.load(open(state_file))
args = sys.argv[1:]
with open(os.path.join(here, 'calls.txt'), 'a') as log:
    log.write(' '.join(a for a in args if not a.startswith('--property')) + '\n')
if args[0] == 'show':
    for name in [a.split('=', 1)[1] for a in args if a.startswith('--property=')]:
        print('%%s=%%s' %% (name, state.get(name, '')))
elif args[0] == 'enable':
    state['UnitFileState'] = 'enabled'
elif args[0] in ('start', 'restart'):
    if state.get('fail_state') == 'auto-restart':
        state.update(ActiveState='activating', SubState='auto-restart', Result='exit-code')
    elif state.get('fail'):
        state.update(ActiveState='failed', SubState='failed', Result='exit-code')
    else:
        state['ActiveState'] = 'active'
        if state.get('port'):
            code = ('import socket, time; time.sleep(%%s); s = socket.socket(); '
                    's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", %%d)); '
                    's.listen(1); time.sleep(60)' %% (state.get('delay', 0), state['port']))
            # Detached, as systemd's service is: systemctl returns without waiting for it.
            state['listener_pid'] = subprocess.Popen([sys.executable, '-c', code], stdin=subprocess.DEVNULL,
                                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                                     start_new_session=True).pid
elif args[0] == 'daemon-reload':
    pass
else:
    sys.exit(2)
json.dump(state, open(state_file, 'w'))
'''


def free_port():
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def node(tmp_path, monkeypatch):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'systemctl').write_text(SYSTEMCTL % dict(python=sys.executable))
    os.chmod(str(bin_dir / 'systemctl'), 0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ.get('PATH', '')))

    class Node(object):
        unit_path = tmp_path / 'kafka.service'

        def set_state(self, **state):
            (bin_dir / 'state.json').write_text(json.dumps(state))

        def state(self):
            return json.loads((bin_dir / 'state.json').read_text())

        def calls(self):
            path = bin_dir / 'calls.txt'
            return [line.split()[0] for line in path.read_text().splitlines()] if path.exists() else []

        def args(self, **extra):
            return dict(dict(name='kafka', unit_path=str(self.unit_path), unit=UNIT), **extra)

    result = Node()
    yield result
    pid = result.state().get('listener_pid') if (bin_dir / 'state.json').exists() else None
    if pid:
        # Not this process's child (the stand-in's, which has exited): init reaps it.
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_listening_inodes_reads_listen_sockets_of_the_port(tmp_path):
    table = tmp_path / 'tcp'
    table.write_text(
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
        '   0: 00000000:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4711 1\n'
        '   1: 0100007F:2384 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   999        0 4712 1\n'
        '   2: 00000000:2385 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4713 1\n')
    # 0x2384 = 9092: the listening socket, not the established connection on the same port.
    assert kraft_service.listening_inodes(9092, tables=[str(table), str(tmp_path / 'no-tcp6')]) == {'4711'}
    assert kraft_service.listening_inodes(9094, tables=[str(table)]) == set()


def test_listening_inodes_sees_a_real_socket():
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    port = server.getsockname()[1]
    assert kraft_service.listening_inodes(port) == set()
    server.listen(1)
    try:
        assert len(kraft_service.listening_inodes(port)) == 1
    finally:
        server.close()


def test_a_bare_node_gets_the_unit_a_reload_enabling_a_start_and_is_waited_for(node):
    port = free_port()
    node.set_state(ActiveState='inactive', UnitFileState='', port=port, delay=0.5)
    result = run_module(kraft_service, node.args(listen_port=port, timeout=20), diff=True)
    assert result['failed'] is False, result
    assert result['changed'] and result['unit_changed'] and result['reloaded'] and result['enabled_now'] and result['started']
    assert 0.4 <= result['listening_after'] < 20
    assert node.unit_path.read_text() == UNIT and oct(os.stat(str(node.unit_path)).st_mode & 0o777) == '0o644'
    assert result['diff'][0]['after'] == UNIT
    assert node.calls()[:4] == ['daemon-reload', 'show', 'enable', 'start']


def test_a_running_enabled_node_with_its_unit_changes_nothing(node):
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    node.set_state(ActiveState='active', UnitFileState='enabled')
    result = run_module(kraft_service, node.args(listen_port=free_port()))
    assert result['changed'] is False and not result['started'] and result['listening_after'] is None
    assert node.calls() == ['show']


def test_a_running_node_whose_unit_changed_is_reloaded_not_restarted(node):
    node.unit_path.write_text(UNIT + '# old\n')
    node.set_state(ActiveState='active', UnitFileState='enabled')
    result = run_module(kraft_service, node.args(listen_port=free_port()))
    assert result['changed'] and result['unit_changed'] and result['reloaded'] and not result['started']
    assert node.calls() == ['daemon-reload', 'show']
    assert node.unit_path.read_text() == UNIT


def test_a_stopped_disabled_node_is_enabled_and_started_without_a_reload(node):
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    node.set_state(ActiveState='inactive', UnitFileState='disabled')
    result = run_module(kraft_service, node.args())
    assert result['changed'] and not result['unit_changed'] and not result['reloaded']
    assert result['enabled_now'] and result['started'] and result['listening_after'] is None
    assert node.calls() == ['show', 'enable', 'start']


def test_check_mode_reports_and_changes_nothing(node):
    node.set_state(ActiveState='inactive', UnitFileState='')
    result = run_module(kraft_service, node.args(listen_port=free_port()), check_mode=True)
    assert result['changed'] and result['unit_changed'] and result['enabled_now'] and result['started']
    assert not node.unit_path.exists()
    assert node.calls() == ['show']


def test_a_service_systemd_gives_up_on_fails_at_once(node):
    node.set_state(ActiveState='inactive', UnitFileState='enabled', fail=True)
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    result = run_module(kraft_service, node.args(listen_port=free_port(), timeout=60))
    assert result['failed'] and 'exited while it was starting' in result['msg'] and 'failed' in result['msg']
    assert result['started'] is True


def test_a_service_systemd_waits_to_restart_fails_at_once(node):
    node.set_state(ActiveState='inactive', UnitFileState='enabled', fail=True, fail_state='auto-restart')
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    result = run_module(kraft_service, node.args(listen_port=free_port(), timeout=60))
    assert result['failed'] and 'exited while it was starting' in result['msg'] and 'auto-restart' in result['msg']


def test_a_service_that_never_listens_fails_after_the_timeout(node):
    node.set_state(ActiveState='inactive', UnitFileState='enabled')
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    port = free_port()
    result = run_module(kraft_service, node.args(listen_port=port, timeout=1))
    assert result['failed'] and 'did not listen on port %d within 1 s' % port in result['msg']


def test_a_port_taken_by_another_process_fails_before_starting(node):
    squatter = socket.socket()
    squatter.bind(('127.0.0.1', 0))
    squatter.listen(1)
    try:
        port = squatter.getsockname()[1]
        node.set_state(ActiveState='inactive', UnitFileState='enabled')
        result = run_module(kraft_service, node.args(listen_port=port))
    finally:
        squatter.close()
    assert result['failed'] and 'already listens on port %d' % port in result['msg']
    assert 'start' not in node.calls()


def test_restarted_restarts_a_running_node_and_waits_for_it(node):
    port = free_port()
    node.set_state(ActiveState='active', UnitFileState='enabled', port=port, delay=0.3)
    result = run_module(kraft_service, dict(name='kafka', state='restarted', listen_port=port, timeout=20))
    assert result['failed'] is False, result
    assert result['changed'] and result['started'] and not result['unit_changed'] and result['listening_after'] >= 0.2
    assert node.calls()[:2] == ['show', 'restart']
    assert not node.unit_path.exists()


def test_restarted_in_check_mode_restarts_nothing(node):
    node.set_state(ActiveState='active', UnitFileState='enabled')
    result = run_module(kraft_service, dict(name='kafka', state='restarted', listen_port=free_port()), check_mode=True)
    assert result['changed'] and result['started'] and result['listening_after'] is None
    assert node.calls() == ['show']


def test_started_needs_the_unit(node):
    result = run_module(kraft_service, dict(name='kafka'))
    assert result['failed'] and 'unit' in result['msg']


def test_restarted_leaves_a_disabled_service_disabled(node):
    node.set_state(ActiveState='active', UnitFileState='disabled')
    result = run_module(kraft_service, dict(name='kafka', state='restarted'))
    assert result['started'] and not result['enabled_now']
    assert node.calls() == ['show', 'restart']


def test_a_start_behind_a_stop_in_progress_is_not_refused_for_the_port_the_stopping_process_holds(node):
    holder = socket.socket()
    holder.bind(('127.0.0.1', 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    node.unit_path.write_text(UNIT)
    os.chmod(str(node.unit_path), 0o644)
    node.set_state(ActiveState='deactivating', UnitFileState='enabled')
    try:
        result = run_module(kraft_service, node.args(listen_port=port, timeout=5))
    finally:
        holder.close()
    # The stand-in's start returns at once, while the old listener still exists: taken as the
    # service's (the real systemctl start returns once the stop is over).
    assert result['failed'] is False, result
    assert result['started'] and node.calls()[:2] == ['show', 'start']
