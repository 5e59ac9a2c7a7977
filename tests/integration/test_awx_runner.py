"""awx_runner.summarize: what a job's events and artifacts say, and so what the Molecule checks of
the AWX jobs decide on (pure code; the jobs themselves run in the default and ssh scenarios)."""
import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(__file__))
import awx_runner  # noqa: E402


def event(kind, **data):
    return dict(event=kind, event_data=data)


ROLE_TASK = '/usr/share/ansible/collections/ansible_collections/kafkaops/kraft/roles/kafka/tasks/install.yml:3'


def job(tmp_path, events, status='successful', rc=0, artifacts=True):
    if artifacts:
        (tmp_path / 'artifacts' / 'site').mkdir(parents=True)
        (tmp_path / 'artifacts' / 'site' / 'status').write_text(status + '\n')
        (tmp_path / 'artifacts' / 'site' / 'rc').write_text('%d\n' % rc)
    result = SimpleNamespace(events=events, status=status, rc=rc, stats={})
    return awx_runner.summarize(result, str(tmp_path), 'site')


def test_a_converged_run_from_the_ee(tmp_path):
    summary = job(tmp_path, [
        event('runner_on_ok', task='Install Java', host='c1', task_path=ROLE_TASK),
        event('runner_on_skipped', task='Format', host='c1', task_path=ROLE_TASK.replace('install', 'storage')),
        event('runner_on_ok', task='Ask the quorum', host='localhost', task_path='/runner/project/playbooks/verify.yml:40'),
        event('playbook_on_stats', changed={}, ok={'c1': 20, 'localhost': 3}),
    ])
    assert summary['recap'] and summary['artifact_status'] == 'successful' and summary['artifact_rc'] == 0
    assert summary['changed_total'] == 0 and summary['failed_tasks'] == [] and summary['unreachable'] == []
    assert summary['collection_roots'] == ['/usr/share/ansible/collections/ansible_collections/kafkaops/kraft']
    assert summary['ok_tasks'] == ['Ask the quorum', 'Install Java']


def test_changes_failures_and_unreachable_hosts_are_counted(tmp_path):
    summary = job(tmp_path, [
        event('runner_on_ok', task='Template', host='b1',
              task_path='/src/collections/ansible_collections/kafkaops/kraft/roles/kafka_broker/tasks/configure.yml:2'),
        event('runner_on_failed', task='Gate', host='b1', ignore_errors=False),
        event('runner_on_failed', task='Probe', host='b2', ignore_errors=True),
        event('runner_on_unreachable', task='Gate', host='b3'),
        event('playbook_on_stats', changed={'b1': 2, 'b2': 1}),
    ], status='failed', rc=2)
    assert summary['changed_total'] == 3 and summary['failed_tasks'] == ['Gate'] and summary['unreachable'] == ['b3']
    assert summary['collection_roots'] == ['/src/collections/ansible_collections/kafkaops/kraft']
    assert summary['artifact_status'] == 'failed' and summary['artifact_rc'] == 2


def test_a_job_that_never_reached_its_recap(tmp_path):
    # What a container that exited at once looks like: runner may still say successful.
    summary = job(tmp_path, [], artifacts=False)
    assert summary['recap'] is False and summary['artifact_status'] is None and summary['artifact_rc'] is None


def test_awx_path_env_reads_only_the_settings_awx_reads(tmp_path):
    (tmp_path / 'ansible.cfg').write_text('[defaults]\ncollections_path = ./collections\n')
    env = awx_runner.awx_path_env(str(tmp_path))
    assert env['ANSIBLE_COLLECTIONS_PATHS'] == (
        '/runner/requirements_collections:~/.ansible/collections:/usr/share/ansible/collections')
    (tmp_path / 'ansible.cfg').write_text('[defaults]\ncollections_paths = ./c\nroles_path = ./r\n')
    env = awx_runner.awx_path_env(str(tmp_path))
    assert env['ANSIBLE_COLLECTIONS_PATHS'].split(':')[:2] == ['/runner/requirements_collections', './c']
    assert env['ANSIBLE_ROLES_PATH'].split(':')[:2] == ['/runner/requirements_roles', './r']
