"""kraft_node_state against a real directory tree (no fakes needed: it only reads files)."""
import os

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_node_state
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module


def tree(tmp_path):
    meta = tmp_path / 'metadata'
    meta.mkdir()
    (meta / 'meta.properties').write_text('cluster.id=abc\nnode.id=1\nversion=1\n')
    empty = tmp_path / 'logs'
    empty.mkdir()
    release = tmp_path / 'kafka_2.13-4.4.0'
    (release / 'bin').mkdir(parents=True)
    (release / 'bin' / 'kafka-server-start.sh').write_text('#!/bin/sh\n')
    os.symlink(str(release), str(tmp_path / 'current'))
    (tmp_path / 'controller.properties').write_text('controller.quorum.voters=1@a:9093\n')
    return meta, empty, release


def test_reads_a_formatted_node(tmp_path):
    meta, empty, release = tree(tmp_path)
    result = run_module(kraft_node_state, dict(
        data_dirs=[str(meta), str(empty)], config_file=str(tmp_path / 'controller.properties'),
        current_link=str(tmp_path / 'current'), release_dir=str(release)))
    assert result['changed'] is False
    assert result['data_dirs'] == [dict(path=str(meta), meta_properties='cluster.id=abc\nnode.id=1\nversion=1\n'),
                                   dict(path=str(empty), meta_properties=None)]
    assert result['config'] == 'controller.quorum.voters=1@a:9093\n'
    assert result['current_link_target'] == str(release)
    import grp
    import pwd
    assert result['current_link_owner'] == '%s:%s' % (pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name)
    assert result['release_unpacked'] is True
    assert result['packages_missing'] == []


def test_a_bare_host_reports_everything_missing(tmp_path):
    result = run_module(kraft_node_state, dict(
        data_dirs=[str(tmp_path / 'nothing')], config_file=str(tmp_path / 'none.properties'),
        current_link=str(tmp_path / 'current'), release_dir=str(tmp_path / 'kafka_2.13-4.4.0')), check_mode=True)
    assert result['data_dirs'] == [dict(path=str(tmp_path / 'nothing'), meta_properties=None)]
    assert result['config'] is None
    assert result['current_link_target'] == ''
    assert result['current_link_owner'] == ''
    assert result['release_unpacked'] is False


def test_a_plain_directory_where_the_link_belongs_reads_as_no_link(tmp_path):
    (tmp_path / 'current').mkdir()
    result = run_module(kraft_node_state, dict(data_dirs=[], current_link=str(tmp_path / 'current')))
    assert result['current_link_target'] == ''


def test_an_unreadable_meta_properties_fails_naming_it(tmp_path):
    meta = tmp_path / 'metadata'
    (meta / 'meta.properties').mkdir(parents=True)  # a directory where the file belongs
    result = run_module(kraft_node_state, dict(data_dirs=[str(meta)]))
    assert result['failed'] is True
    assert str(meta / 'meta.properties') in result['msg']


def test_installed_packages_from_dpkg_query_output():
    out = ('openjdk-17-jre-headless\tinstall ok installed\n'
           'openjdk-21-jre-headless\tdeinstall ok config-files\n'
           'libc6:amd64\tinstall ok installed\n')
    assert kraft_node_state.installed_packages(out) == {'openjdk-17-jre-headless', 'libc6'}


def test_packages_missing_on_this_machine():
    # The test machine's own dpkg (Debian) or none: either way a made-up name is missing.
    result = run_module(kraft_node_state, dict(data_dirs=[], packages=['no-such-package-kraft']))
    assert result['packages_missing'] == ['no-such-package-kraft']


def test_directories_and_user_exactly_as_wanted(tmp_path):
    import grp
    import pwd
    me = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(me.pw_gid).gr_name
    good, loose = tmp_path / 'good', tmp_path / 'loose'
    good.mkdir()
    loose.mkdir()
    os.chmod(str(good), 0o750)
    os.chmod(str(loose), 0o755)
    (tmp_path / 'file').write_text('')
    wanted = [dict(path=str(p), owner=me.pw_name, group=group, mode='0750')
              for p in (good, loose, tmp_path / 'missing', tmp_path / 'file')]
    wanted.append(dict(path=str(good), owner='no-such-user-kraft', group=group, mode='0750'))
    result = run_module(kraft_node_state, dict(
        data_dirs=[], directories=wanted,
        user=dict(name=me.pw_name, group=group, shell=me.pw_shell, home=me.pw_dir)))
    assert result['directories_ok'] == [str(good)]
    assert result['user_ok'] is True
    for changed in (dict(shell='/bin/false-kraft'), dict(home='/nowhere'), dict(name='no-such-user-kraft'),
                    dict(group='no-such-group-kraft')):
        user = dict(dict(name=me.pw_name, group=group, shell=me.pw_shell, home=me.pw_dir), **changed)
        assert run_module(kraft_node_state, dict(data_dirs=[], user=user))['user_ok'] is False, changed
    assert run_module(kraft_node_state, dict(data_dirs=[]))['user_ok'] is False


def test_files_report_content_digest_and_attributes(tmp_path):
    import grp
    import hashlib
    import pwd
    me = pwd.getpwuid(os.getuid())
    config = tmp_path / 'broker.properties'
    config.write_text('node.id=4\n')
    os.chmod(str(config), 0o640)
    (tmp_path / 'dir').mkdir()
    result = run_module(kraft_node_state, dict(data_dirs=[], files=[str(config), str(tmp_path / 'missing'), str(tmp_path / 'dir')]))
    assert result['files'] == {str(config): dict(sha256=hashlib.sha256(b'node.id=4\n').hexdigest(), owner=me.pw_name,
                                                 group=grp.getgrgid(me.pw_gid).gr_name, mode='0640')}


def test_service_properties_parse_systemctl_show():
    out = 'LoadState=loaded\nActiveState=active\nUnitFileState=enabled\n'
    assert kraft_node_state.service_properties(out) == dict(load_state='loaded', active_state='active', unit_file_state='enabled')
    # A unit systemd does not know: no unit file state at all.
    assert kraft_node_state.service_properties('LoadState=not-found\nActiveState=inactive\nUnitFileState=\n') == dict(
        load_state='not-found', active_state='inactive', unit_file_state='')


def test_service_state_asks_systemctl_and_knows_nothing_without_an_answer(tmp_path, monkeypatch):
    # A stand-in systemctl on PATH (no systemd runs where the unit tests do); the roles' tests
    # read the real one on the containers.
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    systemctl = bin_dir / 'systemctl'
    systemctl.write_text('#!/bin/sh\necho "$@" > "%s"\n[ "$5" = "--" ] || exit 3\n'
                         'printf "LoadState=loaded\\nActiveState=active\\nUnitFileState=enabled\\n"\n' % (tmp_path / 'argv'))
    os.chmod(str(systemctl), 0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ.get('PATH', '')))
    result = run_module(kraft_node_state, dict(data_dirs=[], service='kafka'))
    assert result['service'] == dict(load_state='loaded', active_state='active', unit_file_state='enabled')
    assert (tmp_path / 'argv').read_text().split() == [
        'show', '--property=LoadState', '--property=ActiveState', '--property=UnitFileState', '--', 'kafka']
    assert run_module(kraft_node_state, dict(data_dirs=[]))['service'] == {}
    systemctl.write_text('#!/bin/sh\nexit 1\n')
    assert run_module(kraft_node_state, dict(data_dirs=[], service='kafka'))['service'] == {}
