"""kraft_directories against a real directory tree (it only creates directories: nothing to fake)."""
import os
import stat

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_directories
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_creates_missing_directories_with_their_modes(tmp_path):
    data = tmp_path / 'var' / 'lib' / 'kafka' / 'data'
    conf = tmp_path / 'etc'
    conf.mkdir()
    os.chmod(str(conf), 0o755)
    result = run_module(kraft_directories, dict(directories=[
        dict(path=str(conf), mode='0750'), dict(path=str(data), mode='0700')]), diff=True)
    assert result['changed'] is True
    assert result['changed_paths'] == [str(conf), str(data)]
    assert data.is_dir() and mode_of(data) == 0o700 and mode_of(conf) == 0o750
    assert result['diff'][0]['before']['mode'] == '0755' and result['diff'][0]['after']['mode'] == '0750'
    assert result['diff'][1]['before']['state'] == 'absent' and result['diff'][1]['after']['state'] == 'directory'


def test_directories_as_wanted_change_nothing(tmp_path):
    (tmp_path / 'a').mkdir()
    os.chmod(str(tmp_path / 'a'), 0o750)
    result = run_module(kraft_directories, dict(directories=[dict(path=str(tmp_path / 'a'), mode='0750')]), diff=True)
    assert result['changed'] is False and result['changed_paths'] == [] and 'diff' not in result


def test_check_mode_creates_nothing_and_says_what_it_would(tmp_path):
    target = tmp_path / 'new'
    result = run_module(kraft_directories, dict(directories=[dict(path=str(target), mode='0750')]),
                        check_mode=True, diff=True)
    assert result['changed'] is True and result['changed_paths'] == [str(target)]
    assert not target.exists()
    assert result['diff'][0]['after'] == dict(path=str(target), state='directory', mode='0750')


def test_a_file_in_the_way_fails_naming_it_and_is_left_alone(tmp_path):
    target = tmp_path / 'data'
    target.write_text('keep me')
    result = run_module(kraft_directories, dict(directories=[dict(path=str(target))]))
    assert result['failed'] is True and str(target) in result['msg']
    assert target.read_text() == 'keep me'


def test_a_link_to_a_directory_stands_for_its_target(tmp_path):
    (tmp_path / 'real').mkdir()
    os.chmod(str(tmp_path / 'real'), 0o755)
    os.symlink(str(tmp_path / 'real'), str(tmp_path / 'data'))
    result = run_module(kraft_directories, dict(directories=[dict(path=str(tmp_path / 'data'), mode='0750')]))
    assert result['changed'] is True
    assert mode_of(tmp_path / 'real') == 0o750 and os.path.islink(str(tmp_path / 'data'))


def test_a_dangling_link_fails(tmp_path):
    os.symlink(str(tmp_path / 'gone'), str(tmp_path / 'data'))
    result = run_module(kraft_directories, dict(directories=[dict(path=str(tmp_path / 'data'))]))
    assert result['failed'] is True and 'not a directory' in result['msg']


def test_a_relative_path_fails():
    result = run_module(kraft_directories, dict(directories=[dict(path='relative/dir')]))
    assert result['failed'] is True and 'relative/dir' in result['msg']
