"""The actions of kraft_file (src) and kraft_release run for real: ansible-playbook on this machine
through the local connection, so the push into a temporary directory, the module run on it, check
mode (nothing pushed) and the removal of the temporary directory happen as on a node. With
pipelining on (the project's ansible.cfg) and off (Ansible's default: the module is a file in the
temporary directory too)."""
import io
import os
import sys
import tarfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from local_play import play_results, run_play  # noqa: E402


def playbook(tmp_path, tasks, pipelining=True, check=False):
    """Run `tasks` on localhost; (rc, {task name: result})."""
    return play_results(tmp_path, tasks, ['--check'] if check else [], ANSIBLE_PIPELINING=str(pipelining))


def leftovers(tmp_path):
    remote = tmp_path / 'remote-tmp'
    return sorted(os.listdir(str(remote))) if remote.exists() else []


def archive(path):
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, data in (('kafka_2.13-9.9.9/bin/kafka-server-start.sh', b'#!/bin/sh\n'), ('kafka_2.13-9.9.9/libs/a.jar', b'a')):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    return str(path)


@pytest.mark.parametrize('pipelining', [True, False])
def test_kraft_file_pushes_src_and_check_mode_pushes_nothing(tmp_path, pipelining):
    jar = tmp_path / 'agent.jar'
    jar.write_bytes(b'\x00jar' * 5000)
    dest = tmp_path / 'node' / 'agent.jar'
    dest.parent.mkdir()
    task = dict(name='push', **{'kafkaops.kraft.kraft_file': dict(src=str(jar), dest=str(dest), mode='0644')})
    rc, results = playbook(tmp_path, [task], pipelining)
    assert rc == 0 and results['push']['changed'] is True
    assert dest.read_bytes() == jar.read_bytes() and oct(os.stat(str(dest)).st_mode & 0o777) == '0o644'
    assert leftovers(tmp_path) == []
    rc, results = playbook(tmp_path, [task], pipelining)
    assert rc == 0 and results['push']['changed'] is False
    # Check mode compares the controller's sha256 with the node's file: the same, then another.
    rc, results = playbook(tmp_path, [task], pipelining, check=True)
    assert rc == 0 and results['push']['changed'] is False
    jar.write_bytes(b'new jar')
    rc, results = playbook(tmp_path, [task], pipelining, check=True)
    assert rc == 0 and results['push']['changed'] is True and dest.read_bytes() != b'new jar'
    assert leftovers(tmp_path) == []


def test_kraft_file_src_with_content_fails_before_pushing(tmp_path):
    jar = tmp_path / 'agent.jar'
    jar.write_bytes(b'jar')
    task = dict(name='both', **{'kafkaops.kraft.kraft_file': dict(src=str(jar), content='x', dest=str(tmp_path / 'f')),
                                'ignore_errors': True})
    rc, results = playbook(tmp_path, [task])
    assert results['both']['failed'] is True and 'mutually exclusive' in results['both']['msg']
    assert not (tmp_path / 'f').exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize('pipelining', [True, False])
def test_kraft_release_pushes_the_archive_unpacks_and_links(tmp_path, pipelining):
    src = archive(tmp_path / 'k.tgz')
    root = tmp_path / 'opt'
    root.mkdir()
    task = dict(name='release', **{'kafkaops.kraft.kraft_release': dict(
        src=src, dest=str(root / 'kafka_2.13-9.9.9'), link=str(root / 'current'))})
    rc, results = playbook(tmp_path, [task], pipelining, check=True)
    assert rc == 0 and results['release']['changed'] is True and os.listdir(str(root)) == []
    rc, results = playbook(tmp_path, [task], pipelining)
    assert rc == 0 and results['release']['unpacked'] is True and results['release']['linked'] is True
    assert (root / 'current' / 'libs' / 'a.jar').read_bytes() == b'a'
    assert sorted(os.listdir(str(root))) == ['current', 'kafka_2.13-9.9.9'] and leftovers(tmp_path) == []
    rc, results = playbook(tmp_path, [task], pipelining)
    assert rc == 0 and results['release']['changed'] is False


def test_kraft_release_names_a_missing_local_archive(tmp_path):
    task = dict(name='release', ignore_errors=True, **{'kafkaops.kraft.kraft_release': dict(
        src=str(tmp_path / 'absent.tgz'), dest=str(tmp_path / 'r'))})
    rc, results = playbook(tmp_path, [task])
    assert results['release']['failed'] is True and 'absent.tgz' in results['release']['msg']


def connection_commands(tmp_path, tasks, keep_remote_files=False, remote_tmp=None, pipelining=True):
    """Run `tasks` on localhost at -vvv; (rc, the commands the local connection ran). HOME is
    tmp_path: remote_tmp may be ~/remote-tmp."""
    log = tmp_path / 'ansible.log'
    env = dict(ANSIBLE_PIPELINING=str(pipelining), ANSIBLE_KEEP_REMOTE_FILES=str(keep_remote_files), HOME=str(tmp_path),
               ANSIBLE_LOG_PATH=str(log))
    if remote_tmp:
        env['ANSIBLE_REMOTE_TMP'] = remote_tmp
    proc = run_play(tmp_path, tasks, ['-vvv'], **env)
    return proc.returncode, [line.split(' EXEC ', 1)[1] for line in log.read_text().splitlines() if ' EXEC ' in line]


@pytest.mark.parametrize('keep_remote_files,remote_tmp,pipelining', [(False, None, True), (True, None, True),
                                                                     (False, '~/remote-tmp', True), (False, None, False)])
def test_a_push_is_one_module_run_that_removes_its_temporary_directory(tmp_path, keep_remote_files, remote_tmp,
                                                                       pipelining):
    jar = tmp_path / 'agent.jar'
    jar.write_bytes(b'jar')
    (tmp_path / 'node').mkdir()
    src = archive(tmp_path / 'k.tgz')
    tasks = [dict(name='push', **{'kafkaops.kraft.kraft_file': dict(src=str(jar), dest=str(tmp_path / 'node' / 'a.jar'))}),
             dict(name='release', **{'kafkaops.kraft.kraft_release': dict(src=src, dest=str(tmp_path / 'node' / 'r'))})]
    rc, commands = connection_commands(tmp_path, tasks, keep_remote_files, remote_tmp, pipelining)
    assert rc == 0 and (tmp_path / 'node' / 'a.jar').read_bytes() == b'jar'
    assert (tmp_path / 'node' / 'r' / 'libs' / 'a.jar').read_bytes() == b'a'
    assert not any('rm -f -r' in command for command in commands), commands
    if keep_remote_files:
        # Ansible keeps them (and runs modules from files there, without pipelining): the module
        # leaves the directory it was given alone.
        assert len(leftovers(tmp_path)) == 2
        return
    if not pipelining:
        # The module is a file in the temporary directory (Ansible chmods it to run it): the
        # module's run removes the directory all the same, no rm after it.
        assert leftovers(tmp_path) == []
        return
    # Each push runs two commands: it makes the temporary directory, then the module (the transfer
    # is a put; a remote_tmp under ~ is expanded by the command that makes the directory, not by an
    # `echo ~` before it). No chmod, and no removal after the run: the module removed the directory.
    assert len(commands) == 4 and all('mkdir' in command for command in commands[::2]), commands
    assert not any('chmod' in command for command in commands), commands
    assert leftovers(tmp_path) == []
