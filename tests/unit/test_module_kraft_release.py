"""kraft_release against real archives in a temporary directory (tar and the file system: nothing to fake)."""
import io
import os
import tarfile

import pytest

from ansible_collections.kafkaops.kraft.plugins.modules import kraft_release
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module


def make_archive(path, top='kafka_2.13-4.4.0', extra_top=None, start_script=True):
    """A .tgz shaped like the official distribution: one top directory with bin/ and libs/."""
    with tarfile.open(str(path), 'w:gz') as archive:
        def add(name, data=b'', mode=0o644):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.gid = len(data), mode, 1234, 1234
            archive.addfile(info, io.BytesIO(data))
        if start_script:
            add(top + '/bin/kafka-server-start.sh', b'#!/bin/sh\n', 0o755)
        add(top + '/libs/kafka.jar', b'jar' * 100)
        if extra_top:
            add(extra_top, b'x')
    return str(path)


def test_unpacks_into_dest_and_links_it(tmp_path):
    src = make_archive(tmp_path / 'k.tgz')
    dest, link = tmp_path / 'kafka_2.13-4.4.0', tmp_path / 'current'
    result = run_module(kraft_release, dict(src=src, remote_src=True, dest=str(dest), link=str(link)), diff=True)
    assert result['changed'] is True and result['unpacked'] is True and result['linked'] is True
    assert result['previous_link_target'] is None
    assert (dest / 'libs' / 'kafka.jar').read_bytes() == b'jar' * 100
    assert os.access(str(dest / 'bin' / 'kafka-server-start.sh'), os.X_OK)
    assert os.readlink(str(link)) == str(dest)
    assert result['diff']['after'] == str(dest) + '\n'
    # Nothing left beside it: no staging directory, no temporary link.
    assert sorted(os.listdir(str(tmp_path))) == ['current', 'k.tgz', 'kafka_2.13-4.4.0']


def test_a_second_run_changes_nothing(tmp_path):
    src = make_archive(tmp_path / 'k.tgz')
    args = dict(src=src, remote_src=True, dest=str(tmp_path / 'r'), link=str(tmp_path / 'current'))
    run_module(kraft_release, args)
    (tmp_path / 'r' / 'marker').write_text('kept')
    result = run_module(kraft_release, args)
    assert result['changed'] is False and result['unpacked'] is False and result['linked'] is False
    assert (tmp_path / 'r' / 'marker').read_text() == 'kept'


def test_moves_the_link_to_a_new_release_and_keeps_the_old_one(tmp_path):
    old = tmp_path / 'kafka_2.13-4.3.1'
    (old / 'bin').mkdir(parents=True)
    (old / 'bin' / 'kafka-server-start.sh').write_text('old')
    os.symlink(str(old), str(tmp_path / 'current'))
    src = make_archive(tmp_path / 'k.tgz')
    result = run_module(kraft_release, dict(src=src, remote_src=True, dest=str(tmp_path / 'kafka_2.13-4.4.0'),
                                            link=str(tmp_path / 'current')))
    assert result['linked'] is True and result['previous_link_target'] == str(old)
    assert os.readlink(str(tmp_path / 'current')) == str(tmp_path / 'kafka_2.13-4.4.0')
    assert (old / 'bin' / 'kafka-server-start.sh').read_text() == 'old'


def test_link_only_without_src(tmp_path):
    release = tmp_path / 'r'
    (release / 'bin').mkdir(parents=True)
    (release / 'bin' / 'kafka-server-start.sh').write_text('')
    os.symlink('/elsewhere', str(tmp_path / 'current'))
    result = run_module(kraft_release, dict(dest=str(release), link=str(tmp_path / 'current')))
    assert result['changed'] is True and result['unpacked'] is False and result['linked'] is True
    assert os.readlink(str(tmp_path / 'current')) == str(release)


def test_check_mode_reports_and_changes_nothing(tmp_path):
    # In check mode the action plugin pushes nothing: src is the controller's path, remote_src false.
    result = run_module(kraft_release, dict(src='/on/the/controller.tgz', dest=str(tmp_path / 'r'),
                                            link=str(tmp_path / 'current')), check_mode=True)
    assert result['changed'] is True and result['unpacked'] is True and result['linked'] is True
    assert os.listdir(str(tmp_path)) == []


def test_a_half_release_is_replaced_and_stale_staging_removed(tmp_path):
    half = tmp_path / 'kafka_2.13-4.4.0'
    (half / 'libs').mkdir(parents=True)
    (half / 'libs' / 'truncated.jar').write_text('')
    stale = tmp_path / '.kafka_2.13-4.4.0.unpacking-old'
    stale.mkdir()
    src = make_archive(tmp_path / 'k.tgz')
    result = run_module(kraft_release, dict(src=src, remote_src=True, dest=str(half)))
    assert result['unpacked'] is True
    assert not (half / 'libs' / 'truncated.jar').exists() and (half / 'bin' / 'kafka-server-start.sh').exists()
    assert not stale.exists()


def test_an_archive_without_one_top_directory_fails_and_leaves_nothing(tmp_path):
    src = make_archive(tmp_path / 'k.tgz', extra_top='README')
    result = run_module(kraft_release, dict(src=src, remote_src=True, dest=str(tmp_path / 'r')))
    assert result['failed'] is True and 'one directory' in result['msg'] and 'README' in result['msg']
    assert sorted(os.listdir(str(tmp_path))) == ['k.tgz']


def test_a_broken_archive_fails_naming_it(tmp_path):
    src = tmp_path / 'k.tgz'
    src.write_bytes(b'not gzip')
    result = run_module(kraft_release, dict(src=str(src), remote_src=True, dest=str(tmp_path / 'r')))
    assert result['failed'] is True and str(src) in result['msg']
    assert sorted(os.listdir(str(tmp_path))) == ['k.tgz']


def test_a_directory_at_the_link_is_never_removed(tmp_path):
    (tmp_path / 'current').mkdir()
    src = make_archive(tmp_path / 'k.tgz')
    result = run_module(kraft_release, dict(src=src, remote_src=True, dest=str(tmp_path / 'r'), link=str(tmp_path / 'current')))
    assert result['failed'] is True and 'not a symbolic link' in result['msg']
    assert (tmp_path / 'current').is_dir() and not (tmp_path / 'r').exists()


def test_missing_release_without_src_fails(tmp_path):
    result = run_module(kraft_release, dict(dest=str(tmp_path / 'r'), link=str(tmp_path / 'current')))
    assert result['failed'] is True and 'no src' in result['msg']
    assert not (tmp_path / 'current').exists()


def test_src_missing_on_the_node_fails(tmp_path):
    result = run_module(kraft_release, dict(src=str(tmp_path / 'absent.tgz'), remote_src=True, dest=str(tmp_path / 'r')))
    assert result['failed'] is True and 'absent.tgz' in result['msg']


@pytest.mark.skipif(os.geteuid() != 0, reason='chown to another user needs root')
def test_a_release_directory_chowned_by_hand_is_given_back_without_a_new_link(tmp_path):
    release = tmp_path / 'r'
    (release / 'bin').mkdir(parents=True)
    (release / 'bin' / 'kafka-server-start.sh').write_text('')
    os.symlink(str(release), str(tmp_path / 'current'))
    os.chown(str(release), 1234, 1234)
    link_inode = os.lstat(str(tmp_path / 'current')).st_ino
    result = run_module(kraft_release, dict(dest=str(release), link=str(tmp_path / 'current')))
    assert result['changed'] is True and result['owner_fixed'] is True and result['linked'] is False
    assert (os.stat(str(release)).st_uid, os.stat(str(release)).st_gid) == (0, 0)
    assert os.lstat(str(tmp_path / 'current')).st_ino == link_inode


@pytest.mark.skipif(os.geteuid() != 0, reason='the archive\'s owners are kept only for root')
def test_the_archive_owners_are_not_kept(tmp_path):
    src = make_archive(tmp_path / 'k.tgz')
    run_module(kraft_release, dict(src=src, remote_src=True, dest=str(tmp_path / 'r')))
    assert os.stat(str(tmp_path / 'r' / 'libs' / 'kafka.jar')).st_uid == 0


def test_the_link_text_is_dest_as_given(tmp_path):
    release = tmp_path / 'r'
    (release / 'bin').mkdir(parents=True)
    (release / 'bin' / 'kafka-server-start.sh').write_text('')
    given = str(tmp_path) + '//r'
    result = run_module(kraft_release, dict(dest=given, link=str(tmp_path / 'current') + '/'))
    assert result['linked'] is True and os.readlink(str(tmp_path / 'current')) == given
    assert run_module(kraft_release, dict(dest=given, link=str(tmp_path / 'current')))['changed'] is False


def test_staging_left_by_an_interrupted_run_goes_even_when_nothing_is_unpacked(tmp_path):
    release = tmp_path / 'r'
    (release / 'bin').mkdir(parents=True)
    (release / 'bin' / 'kafka-server-start.sh').write_text('')
    stale = tmp_path / '.r.unpacking-abc' / '.replaced'
    stale.mkdir(parents=True)
    result = run_module(kraft_release, dict(dest=str(release)))
    assert result['changed'] is False and not (tmp_path / '.r.unpacking-abc').exists()


def test_check_mode_with_an_archive_not_downloaded_yet(tmp_path):
    result = run_module(kraft_release, dict(src=str(tmp_path / 'later.tgz'), remote_src=True, dest=str(tmp_path / 'r')),
                        check_mode=True, diff=True)
    assert result['changed'] is True and result['unpacked'] is True and os.listdir(str(tmp_path)) == []


def test_an_absolute_creates_fails(tmp_path):
    result = run_module(kraft_release, dict(dest=str(tmp_path / 'r'), creates='/bin/sh'))
    assert result['failed'] is True and 'creates' in result['msg']
