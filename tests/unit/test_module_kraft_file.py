"""kraft_file against a real directory (it only writes files: nothing to fake)."""
import os
import stat

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_file
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_creates_the_file_with_its_mode_and_shows_the_diff(tmp_path):
    dest = tmp_path / 'controller.properties'
    result = run_module(kraft_file, dict(dest=str(dest), content='node.id=1\n', mode='0640'), diff=True)
    assert result['changed'] is True and result['content_changed'] is True
    assert dest.read_text() == 'node.id=1\n'
    assert mode_of(dest) == 0o640
    assert result['diff'] == [dict(before_header=str(dest), after_header=str(dest), before='', after='node.id=1\n')]
    # No temporary file left beside it.
    assert sorted(os.listdir(str(tmp_path))) == ['controller.properties']


def test_the_same_content_and_mode_change_nothing(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    os.chmod(str(dest), 0o640)
    before = os.stat(str(dest)).st_ino
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n', mode='0640'), diff=True)
    assert result['changed'] is False and 'diff' not in result
    assert os.stat(str(dest)).st_ino == before


def test_new_content_replaces_the_file_whole(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    result = run_module(kraft_file, dict(dest=str(dest), content='x=2\n', mode='0600'), diff=True)
    assert result['changed'] is True
    assert dest.read_text() == 'x=2\n'
    assert mode_of(dest) == 0o600
    assert result['diff'][0]['before'] == 'x=1\n' and result['diff'][0]['after'] == 'x=2\n'


def test_only_the_mode_differs(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    os.chmod(str(dest), 0o644)
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n', mode='0640'), diff=True)
    assert result['changed'] is True and result['content_changed'] is False
    assert mode_of(dest) == 0o640
    assert result['diff'][0]['before']['mode'] == '0644' and result['diff'][0]['after']['mode'] == '0640'


def test_check_mode_reports_and_writes_nothing(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    os.chmod(str(dest), 0o644)
    result = run_module(kraft_file, dict(dest=str(dest), content='x=2\n', mode='0640'), check_mode=True)
    assert result['changed'] is True
    assert dest.read_text() == 'x=1\n' and mode_of(dest) == 0o644
    # Only the mode: reported, not changed.
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n', mode='0640'), check_mode=True)
    assert result['changed'] is True and mode_of(dest) == 0o644


def test_check_mode_reports_new_text_when_the_mode_is_already_right(tmp_path):
    # The text differs, owner and mode do not: still a change (the attributes must not decide).
    dest = tmp_path / 'broker.properties'
    dest.write_text('log.retention.hours=168\n')
    os.chmod(str(dest), 0o640)
    result = run_module(kraft_file, dict(dest=str(dest), content='log.retention.hours=123\n', mode='0640'),
                        check_mode=True, diff=True)
    assert result['changed'] is True and result['content_changed'] is True
    assert '+' not in dest.read_text() and dest.read_text() == 'log.retention.hours=168\n'
    assert result['diff'][0]['after'] == 'log.retention.hours=123\n'


def test_check_mode_on_a_bare_host_reports_the_file_to_create(tmp_path):
    dest = tmp_path / 'no-such-dir' / 'a.properties'
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n'), check_mode=True)
    assert result['changed'] is True and not dest.exists()


def test_a_missing_directory_fails_naming_it(tmp_path):
    dest = tmp_path / 'no-such-dir' / 'a.properties'
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n'))
    assert result['failed'] is True and str(dest) in result['msg'] and 'does not exist' in result['msg']


def test_a_directory_where_the_file_belongs_fails_naming_it(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.mkdir()
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n'))
    assert result['failed'] is True and str(dest) in result['msg']
    assert dest.is_dir()


def test_secret_content_is_written_without_a_diff(tmp_path):
    dest = tmp_path / 'jmx-exporter.yml'
    result = run_module(kraft_file, dict(dest=str(dest), secret_content='password: s3cret-value\n', mode='0640'),
                        diff=True)
    assert result['changed'] is True and 'diff' not in result
    assert dest.read_text() == 'password: s3cret-value\n'


def test_content_or_secret_content_not_both(tmp_path):
    result = run_module(kraft_file, dict(dest=str(tmp_path / 'a'), content='x', secret_content='y'))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    result = run_module(kraft_file, dict(dest=str(tmp_path / 'a')))
    assert result['failed'] is True and 'content' in result['msg']


def test_a_link_stands_for_its_target_and_stays(tmp_path):
    target = tmp_path / 'real.properties'
    target.write_text('x=1\n')
    os.chmod(str(target), 0o600)
    link = tmp_path / 'broker.properties'
    os.symlink(str(target), str(link))
    result = run_module(kraft_file, dict(dest=str(link), content='x=2\n', mode='0640'))
    assert result['changed'] is True
    assert os.path.islink(str(link)) and target.read_text() == 'x=2\n' and mode_of(target) == 0o640
    again = run_module(kraft_file, dict(dest=str(link), content='x=2\n', mode='0640'))
    assert again['changed'] is False


def test_attributes_not_given_are_kept_or_default_to_the_umask(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    os.chmod(str(dest), 0o604)
    run_module(kraft_file, dict(dest=str(dest), content='x=2\n'))
    assert dest.read_text() == 'x=2\n' and mode_of(dest) == 0o604
    umask = os.umask(0o027)
    try:
        run_module(kraft_file, dict(dest=str(tmp_path / 'new'), content='y\n'))
    finally:
        os.umask(umask)
    assert mode_of(tmp_path / 'new') == 0o640


def test_a_failed_chown_leaves_no_temporary_file(tmp_path):
    dest = tmp_path / 'a.properties'
    result = run_module(kraft_file, dict(dest=str(dest), content='x=1\n', owner='no-such-user-kraft'))
    assert result['failed'] is True
    assert os.listdir(str(tmp_path)) == []


def test_src_on_the_node_is_written_with_its_sha256_as_the_diff(tmp_path):
    import hashlib
    data = bytes(range(256)) * 64
    src = tmp_path / 'pushed'
    src.write_bytes(data)
    dest = tmp_path / 'agent.jar'
    result = run_module(kraft_file, dict(dest=str(dest), src=str(src), mode='0644'), diff=True)
    assert result['changed'] is True and dest.read_bytes() == data and mode_of(dest) == 0o644
    assert result['diff'][0]['after'] == 'sha256 %s\n' % hashlib.sha256(data).hexdigest()
    assert run_module(kraft_file, dict(dest=str(dest), src=str(src), mode='0644'))['changed'] is False


def test_check_mode_with_the_checksum_of_src(tmp_path):
    import hashlib
    dest = tmp_path / 'agent.jar'
    dest.write_bytes(b'old jar')
    os.chmod(str(dest), 0o644)
    new = hashlib.sha256(b'new jar').hexdigest()
    result = run_module(kraft_file, dict(dest=str(dest), checksum=new, mode='0644'), check_mode=True, diff=True)
    assert result['changed'] is True and dest.read_bytes() == b'old jar'
    assert result['diff'][0]['before'] == 'sha256 %s\n' % hashlib.sha256(b'old jar').hexdigest()
    same = hashlib.sha256(b'old jar').hexdigest()
    assert run_module(kraft_file, dict(dest=str(dest), checksum=same, mode='0644'), check_mode=True)['changed'] is False


def test_checksum_without_check_mode_fails(tmp_path):
    result = run_module(kraft_file, dict(dest=str(tmp_path / 'f'), checksum='00'))
    assert result['failed'] is True and 'src' in result['msg']
    assert not (tmp_path / 'f').exists()


# --- files: several files in one run ---------------------------------------------------------

def test_files_are_written_in_one_run_each_reported(tmp_path):
    import hashlib
    jar = tmp_path / 'pushed'
    jar.write_bytes(b'PK\x03\x04 a jar')
    (tmp_path / 'rules.yml').write_text('rules: []\n')
    os.chmod(str(tmp_path / 'rules.yml'), 0o640)
    files = [dict(dest=str(tmp_path / 'agent.jar'), src=str(jar), mode='0644'),
             dict(dest=str(tmp_path / 'rules.yml'), content='rules: []\n', mode='0640'),
             dict(dest=str(tmp_path / 'login.conf'), secret_content='password="s3cret"\n', mode='0600')]
    result = run_module(kraft_file, dict(files=files), diff=True)
    assert result['changed'] is True and result['content_changed'] is True
    assert result['files'] == [dict(dest=str(tmp_path / 'agent.jar'), changed=True, content_changed=True),
                               dict(dest=str(tmp_path / 'rules.yml'), changed=False, content_changed=False),
                               dict(dest=str(tmp_path / 'login.conf'), changed=True, content_changed=True)]
    assert 'dest' not in result
    assert (tmp_path / 'agent.jar').read_bytes() == b'PK\x03\x04 a jar' and mode_of(tmp_path / 'agent.jar') == 0o644
    assert (tmp_path / 'login.conf').read_text() == 'password="s3cret"\n' and mode_of(tmp_path / 'login.conf') == 0o600
    # The jar's sha256 as its diff; none for the unchanged rules, none for the secret.
    assert result['diff'] == [dict(before_header=str(tmp_path / 'agent.jar'), after_header=str(tmp_path / 'agent.jar'),
                                   before='', after='sha256 %s\n' % hashlib.sha256(b'PK\x03\x04 a jar').hexdigest())]
    again = run_module(kraft_file, dict(files=files), diff=True)
    assert again['changed'] is False and 'diff' not in again
    assert [entry['changed'] for entry in again['files']] == [False, False, False]


def test_files_only_a_mode_changed_is_a_change_without_new_content(tmp_path):
    dest = tmp_path / 'a.properties'
    dest.write_text('x=1\n')
    os.chmod(str(dest), 0o644)
    result = run_module(kraft_file, dict(files=[dict(dest=str(dest), content='x=1\n', mode='0640')]))
    assert result['changed'] is True and result['content_changed'] is False
    assert mode_of(dest) == 0o640


def test_files_check_mode_reports_each_and_writes_none(tmp_path):
    import hashlib
    (tmp_path / 'agent.jar').write_bytes(b'old')
    files = [dict(dest=str(tmp_path / 'agent.jar'), checksum=hashlib.sha256(b'new').hexdigest(), mode='0644'),
             dict(dest=str(tmp_path / 'new.yml'), content='x\n')]
    result = run_module(kraft_file, dict(files=files), check_mode=True)
    assert [entry['changed'] for entry in result['files']] == [True, True]
    assert (tmp_path / 'agent.jar').read_bytes() == b'old' and not (tmp_path / 'new.yml').exists()


def test_files_a_bad_entry_fails_before_any_is_written(tmp_path):
    good = tmp_path / 'good.properties'
    bad = tmp_path / 'no-such-dir' / 'bad.properties'
    result = run_module(kraft_file, dict(files=[dict(dest=str(good), content='x=1\n'), dict(dest=str(bad), content='y\n')]))
    assert result['failed'] is True and str(bad) in result['msg'] and 'does not exist' in result['msg']
    assert not good.exists()


def test_files_the_same_file_twice_fails_naming_it(tmp_path):
    dest = tmp_path / 'a.properties'
    os.symlink(str(dest), str(tmp_path / 'link'))
    result = run_module(kraft_file, dict(files=[dict(dest=str(dest), content='x=1\n'),
                                                dict(dest=str(tmp_path / 'link'), content='x=2\n')]))
    assert result['failed'] is True and 'same file' in result['msg'] and str(tmp_path / 'link') in result['msg']
    assert not dest.exists()


def test_files_each_entry_needs_exactly_one_source(tmp_path):
    result = run_module(kraft_file, dict(files=[dict(dest=str(tmp_path / 'a'))]))
    assert result['failed'] is True and 'content' in result['msg']
    result = run_module(kraft_file, dict(files=[dict(dest=str(tmp_path / 'a'), content='x', secret_content='y')]))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']


def test_files_or_dest_not_both(tmp_path):
    result = run_module(kraft_file, dict(dest=str(tmp_path / 'a'), content='x', files=[dict(dest=str(tmp_path / 'b'), content='y')]))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    result = run_module(kraft_file, dict(content='x'))
    assert result['failed'] is True and 'dest' in result['msg'] and 'files' in result['msg']


def run_logged(args):
    """Run kraft_file as the action plugin hands it over (secrets taken out of files), returning
    the result and the text of what the module logged on the node when it started (its
    "Invoked with" line: journald or syslog there, captured here)."""
    from unittest import mock
    from ansible.module_utils import basic
    from ansible_collections.kafkaops.kraft.plugins.action.kraft_file import take_out_secrets
    logged = []

    def log(self, msg, log_args=None):
        logged.append('%s %s' % (msg, log_args))

    take_out_secrets(args)
    with mock.patch.object(basic.AnsibleModule, 'log', log):
        result = run_module(kraft_file, args)
    return result, '\n'.join(logged)


def test_files_a_secret_is_not_in_the_log_on_the_node(tmp_path):
    key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n'
    login = 'KafkaServer {\n  password="pw-9f3e1c";\n};\n'
    args = dict(files=[dict(dest=str(tmp_path / 'ca.pem'), content='CA\n'),
                       dict(dest=str(tmp_path / 'node.pem'), secret_content=key, mode='0640'),
                       dict(dest=str(tmp_path / 'jaas.conf'), secret_content=login, mode='0640')])
    result, logged = run_logged(args)
    assert result['changed'] is True
    assert (tmp_path / 'node.pem').read_text() == key and (tmp_path / 'jaas.conf').read_text() == login
    assert mode_of(tmp_path / 'node.pem') == 0o640
    assert 'Invoked with' in logged and str(tmp_path / 'node.pem') in logged
    for piece in ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'pw-9f3e1c'):
        assert piece not in logged
    assert 'pw-9f3e1c' not in str(result)


def test_files_the_action_leaves_entries_without_a_secret_as_they_are():
    from ansible_collections.kafkaops.kraft.plugins.action.kraft_file import take_out_secrets
    args = dict(files=[dict(dest='/a', content='x'), dict(dest='/b', secret_content='s1'), dict(dest='/c', secret_content='s2')])
    take_out_secrets(args)
    assert args == dict(files=[dict(dest='/a', content='x'), dict(dest='/b', content_index=0), dict(dest='/c', content_index=1)],
                        secret_contents=['s1', 's2'])
    plain = dict(dest='/a', secret_content='s')
    take_out_secrets(plain)
    assert plain == dict(dest='/a', secret_content='s')


def test_files_a_content_index_outside_secret_contents_fails_naming_the_file(tmp_path):
    dest = tmp_path / 'jaas.conf'
    result = run_module(kraft_file, dict(files=[dict(dest=str(dest), content_index=1)], secret_contents=['only one']))
    assert result['failed'] is True and str(dest) in result['msg'] and 'secret_contents' in result['msg']
    assert not dest.exists()


def test_files_the_same_file_through_a_linked_directory_fails(tmp_path):
    (tmp_path / 'tls').mkdir()
    os.symlink(str(tmp_path / 'tls'), str(tmp_path / 'tls-link'))
    result = run_module(kraft_file, dict(files=[dict(dest=str(tmp_path / 'tls' / 'ca.pem'), content='x\n'),
                                                dict(dest=str(tmp_path / 'tls-link' / 'ca.pem'), content='y\n')]))
    assert result['failed'] is True and 'same file' in result['msg']
    assert not (tmp_path / 'tls' / 'ca.pem').exists()


def test_files_an_unreadable_src_fails_before_any_is_written(tmp_path):
    first = tmp_path / 'rules.yml'
    result = run_module(kraft_file, dict(files=[dict(dest=str(first), content='x\n'),
                                                dict(dest=str(tmp_path / 'agent.jar'), src=str(tmp_path / 'not-pushed'))]))
    assert result['failed'] is True and 'not-pushed' in result['msg']
    assert not first.exists()


def test_the_pushed_files_directory_is_removed_by_the_module_only_where_ansible_made_it(tmp_path):
    def push(name, keep=False):
        pushed = tmp_path / name
        pushed.mkdir()
        (pushed / '0-file').write_bytes(b'jar')
        args = dict(dest=str(tmp_path / 'agent.jar'), src=str(pushed / '0-file'),
                    _ansible_tmpdir=str(pushed), _ansible_keep_remote_files=keep)
        return pushed, run_module(kraft_file, args)
    # Ansible's temporary directory of this run: removed, and the action told so.
    pushed, result = push('ansible-tmp-1-2-3')
    assert result['tmpdir_removed'] is True and not pushed.exists()
    assert (tmp_path / 'agent.jar').read_bytes() == b'jar'
    # Ansible keeping remote files, or a directory not named as Ansible names its own: left alone.
    for name, keep in (('ansible-tmp-4-5-6', True), ('somewhere', False)):
        pushed, result = push(name, keep)
        assert 'tmpdir_removed' not in result and (pushed / '0-file').exists()
