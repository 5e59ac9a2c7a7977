"""kraft_layout against a real directory tree (it only creates directories: nothing to fake)."""
import os
import stat

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_layout
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_creates_missing_directories_with_their_modes(tmp_path):
    data = tmp_path / 'var' / 'lib' / 'kafka' / 'data'
    conf = tmp_path / 'etc'
    conf.mkdir()
    os.chmod(str(conf), 0o755)
    result = run_module(kraft_layout, dict(directories=[
        dict(path=str(conf), mode='0750'), dict(path=str(data), mode='0700')]), diff=True)
    assert result['changed'] is True
    assert result['changed_paths'] == [str(conf), str(data)]
    assert data.is_dir() and mode_of(data) == 0o700 and mode_of(conf) == 0o750
    assert result['diff'][0]['before']['mode'] == '0755' and result['diff'][0]['after']['mode'] == '0750'
    assert result['diff'][1]['before']['state'] == 'absent' and result['diff'][1]['after']['state'] == 'directory'


def test_missing_parents_get_the_mode_of_the_directory(tmp_path):
    umask = os.umask(0o077)
    try:
        result = run_module(kraft_layout, dict(directories=[dict(path=str(tmp_path / 'lib' / 'kafka' / 'data'), mode='0751')]))
    finally:
        os.umask(umask)
    assert result['changed'] is True
    assert mode_of(tmp_path / 'lib') == 0o751 and mode_of(tmp_path / 'lib' / 'kafka') == 0o751
    assert mode_of(tmp_path / 'lib' / 'kafka' / 'data') == 0o751


def test_a_relative_path_fails_before_anything_is_created(tmp_path):
    result = run_module(kraft_layout, dict(directories=[dict(path=str(tmp_path / 'first')), dict(path='relative/dir')]))
    assert result['failed'] is True and 'relative/dir' in result['msg']
    assert not (tmp_path / 'first').exists()


def test_directories_as_wanted_change_nothing(tmp_path):
    (tmp_path / 'a').mkdir()
    os.chmod(str(tmp_path / 'a'), 0o750)
    result = run_module(kraft_layout, dict(directories=[dict(path=str(tmp_path / 'a'), mode='0750')]), diff=True)
    assert result['changed'] is False and result['changed_paths'] == [] and 'diff' not in result


def test_check_mode_creates_nothing_and_says_what_it_would(tmp_path):
    target = tmp_path / 'new'
    result = run_module(kraft_layout, dict(directories=[dict(path=str(target), mode='0750')]),
                        check_mode=True, diff=True)
    assert result['changed'] is True and result['changed_paths'] == [str(target)]
    assert not target.exists()
    assert result['diff'][0]['after'] == dict(path=str(target), state='directory', mode='0750')


def test_a_file_in_the_way_fails_naming_it_and_is_left_alone(tmp_path):
    target = tmp_path / 'data'
    target.write_text('keep me')
    result = run_module(kraft_layout, dict(directories=[dict(path=str(target))]))
    assert result['failed'] is True and str(target) in result['msg']
    assert target.read_text() == 'keep me'


def test_a_link_to_a_directory_stands_for_its_target(tmp_path):
    (tmp_path / 'real').mkdir()
    os.chmod(str(tmp_path / 'real'), 0o755)
    os.symlink(str(tmp_path / 'real'), str(tmp_path / 'data'))
    result = run_module(kraft_layout, dict(directories=[dict(path=str(tmp_path / 'data'), mode='0750')]))
    assert result['changed'] is True
    assert mode_of(tmp_path / 'real') == 0o750 and os.path.islink(str(tmp_path / 'data'))


def test_a_dangling_link_fails(tmp_path):
    os.symlink(str(tmp_path / 'gone'), str(tmp_path / 'data'))
    result = run_module(kraft_layout, dict(directories=[dict(path=str(tmp_path / 'data'))]))
    assert result['failed'] is True and 'not a directory' in result['msg']


def test_a_relative_path_fails():
    result = run_module(kraft_layout, dict(directories=[dict(path='relative/dir')]))
    assert result['failed'] is True and 'relative/dir' in result['msg']


# The user part: the user database is this machine's, so the lookups are patched to a made-up
# one and the commands recorded instead of run (what runs them for real is the Molecule converge).
import collections
from unittest import mock

PwEntry = collections.namedtuple('PwEntry', 'pw_name pw_uid pw_gid pw_dir pw_shell')
GrEntry = collections.namedtuple('GrEntry', 'gr_name gr_gid')
KAFKA = dict(name='kafka', group='kafka', shell='/usr/sbin/nologin', home='/opt/kafka')


def with_users(users, groups):
    """Patch the module's pwd/grp lookups to `users` (name -> PwEntry) and `groups` (name -> gid),
    and its run_command to record; returns the list the commands go to."""
    commands = []

    def getpwnam(name):
        return users[name]

    def getgrnam(name):
        return GrEntry(name, groups[name])

    def getgrgid(gid):
        for name, number in groups.items():
            if number == gid:
                return GrEntry(name, gid)
        raise KeyError(gid)

    def run_command(self, argv, **kwargs):
        commands.append([os.path.basename(argv[0])] + argv[1:])
        return 0, '', ''
    patches = [mock.patch.object(kraft_layout.pwd, 'getpwnam', getpwnam),
               mock.patch.object(kraft_layout.grp, 'getgrnam', getgrnam),
               mock.patch.object(kraft_layout.grp, 'getgrgid', getgrgid),
               mock.patch.object(kraft_layout.AnsibleModule, 'run_command', run_command),
               mock.patch.object(kraft_layout.AnsibleModule, 'get_bin_path', lambda self, name, **kw: '/usr/sbin/' + name)]
    return commands, patches


def run_with(users, groups, args, **kwargs):
    commands, patches = with_users(users, groups)
    for patch in patches:
        patch.start()
    try:
        return run_module(kraft_layout, args, **kwargs), commands
    finally:
        for patch in patches:
            patch.stop()


def test_a_bare_host_gets_the_group_then_the_user():
    result, commands = run_with({}, {}, dict(user=KAFKA), diff=True)
    assert result['changed'] is True and result['user_changed'] is True
    assert commands == [['groupadd', '--system', 'kafka'],
                        ['useradd', '--system', '--gid', 'kafka', '--shell', '/usr/sbin/nologin',
                         '--home-dir', '/opt/kafka', '--no-create-home', 'kafka']]
    assert result['diff'][0]['before'] == dict(group_state='absent', state='absent')


def test_the_user_as_wanted_runs_nothing():
    users = dict(kafka=PwEntry('kafka', 999, 998, '/opt/kafka', '/usr/sbin/nologin'))
    result, commands = run_with(users, dict(kafka=998), dict(user=KAFKA))
    assert result['changed'] is False and commands == []


def test_a_user_with_another_shell_and_group_is_modified_not_recreated():
    users = dict(kafka=PwEntry('kafka', 999, 100, '/opt/kafka', '/bin/bash'))
    result, commands = run_with(users, dict(kafka=998, users=100), dict(user=KAFKA), diff=True)
    assert commands == [['usermod', '--gid', 'kafka', '--shell', '/usr/sbin/nologin', 'kafka']]
    assert result['diff'][0]['before']['shell'] == '/bin/bash' and result['diff'][0]['after']['shell'] == '/usr/sbin/nologin'


def test_check_mode_runs_no_command_and_reports_the_chown_to_come(tmp_path):
    (tmp_path / 'data').mkdir()
    result, commands = run_with({}, {}, dict(user=KAFKA, directories=[
        dict(path=str(tmp_path / 'data'), owner='kafka', group='kafka', mode='0750')]), check_mode=True, diff=True)
    assert result['changed'] is True and commands == []
    assert result['changed_paths'] == [str(tmp_path / 'data')]
    assert result['diff'][1]['after']['owner'] == 'kafka'


def test_a_failing_command_fails_naming_it():
    commands, patches = with_users({}, {})
    patches[3] = mock.patch.object(kraft_layout.AnsibleModule, 'run_command',
                                   lambda self, argv, **kw: (9, '', 'groupadd: group kafka exists'))
    for patch in patches:
        patch.start()
    try:
        result = run_module(kraft_layout, dict(user=KAFKA))
    finally:
        for patch in patches:
            patch.stop()
    assert result['failed'] is True and 'groupadd' in result['msg'] and 'exists' in result['msg']


def test_discover_and_layout_judge_the_user_the_same_way():
    """kraft_node_state's user_ok and kraft_layout's commands come from one reading
    (module_utils/kraft_user): ok exactly where kraft_layout has nothing to run."""
    from ansible_collections.kafkaops.kraft.plugins.modules import kraft_node_state
    cases = [
        (dict(kafka=PwEntry('kafka', 990, 990, '/opt/kafka', '/usr/sbin/nologin')), dict(kafka=990), True),
        # Another group name for the same gid first in the database: the gid is what counts.
        (dict(kafka=PwEntry('kafka', 990, 990, '/opt/kafka', '/usr/sbin/nologin')), collections.OrderedDict(
            [('kafka-old', 990), ('kafka', 990)]), True),
        (dict(kafka=PwEntry('kafka', 990, 100, '/opt/kafka', '/usr/sbin/nologin')), dict(kafka=990, users=100), False),
        (dict(kafka=PwEntry('kafka', 990, 990, '/home/kafka', '/bin/bash')), dict(kafka=990), False),
        (dict(kafka=PwEntry('kafka', 990, 990, '/opt/kafka', '/usr/sbin/nologin')), {}, False),
        ({}, dict(kafka=990), False),
    ]
    for users, groups, ok in cases:
        dummy, patches = with_users(users, groups)
        for patch in patches:
            patch.start()
        try:
            judged = kraft_node_state.user_ok(KAFKA)
        finally:
            for patch in patches:
                patch.stop()
        result, commands = run_with(users, groups, dict(user=KAFKA))
        assert judged is ok and (commands == []) is ok and result['changed'] is not ok, (users, groups, commands)
