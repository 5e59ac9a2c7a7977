"""awx/configure_awx.yml against the playbooks and variables as they are: every operation's
playbook has a job template, every template names a playbook that exists and the execution
environment by its name, and every survey variable is one the roles document and validate."""
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# Playbooks that are no operation of their own: imported by the others, or writing a file on the
# machine that runs Ansible (an AWX job's container would throw it away).
NOT_A_JOB = {'nodes.yml', 'discover.yml', 'prometheus_targets.yml'}


def load(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def tasks():
    return load('awx', 'configure_awx.yml')[0]['tasks']


def templates():
    task = next(t for t in tasks() if 'awx.awx.job_template' in t)
    return task['loop']


def role_options():
    options = set()
    for role in ('kafka', 'kafka_broker', 'kraft_controller'):
        spec = load('roles', role, 'meta', 'argument_specs.yml')['argument_specs']
        for entry in spec.values():
            options.update(entry.get('options', {}))
    return options


def test_every_operation_playbook_has_a_template():
    playbooks = {name for name in os.listdir(os.path.join(ROOT, 'playbooks')) if name.endswith('.yml')}
    covered = {item['playbook'].split('/')[-1] for item in templates()}
    assert playbooks - NOT_A_JOB - covered == set()
    assert covered <= playbooks


@pytest.mark.parametrize('item', templates(), ids=lambda item: item['name'])
def test_template_playbook_exists_and_survey_variables_are_role_options(item):
    assert os.path.isfile(os.path.join(ROOT, item['playbook']))
    for question in item.get('survey', {}).get('spec', []):
        assert question['variable'] in role_options(), question['variable']


def test_templates_run_in_the_named_execution_environment():
    play = load('awx', 'configure_awx.yml')[0]
    task = next(t for t in tasks() if 'awx.awx.job_template' in t)
    assert task['awx.awx.job_template']['execution_environment'] == '{{ awx_execution_environment }}'
    name = play['vars']['awx_execution_environment']
    with open(os.path.join(ROOT, 'awx', 'README.md')) as handle:
        assert name in handle.read()
