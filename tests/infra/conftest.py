"""Host checks of a deployed cluster with pytest-testinfra, reached as Ansible reaches the hosts:
over SSH (paramiko) as the unprivileged deploy user, with sudo.

KRAFT_INFRA_INVENTORY: the Ansible inventory of the cluster (read with ansible-inventory);
KRAFT_INFRA_KEY: the deploy user's private key. Without them these tests are skipped (they
run from molecule/ssh/verify.yml)."""
import json
import os
import subprocess
import sys

import pytest

INVENTORY = os.environ.get('KRAFT_INFRA_INVENTORY')
KEY = os.environ.get('KRAFT_INFRA_KEY')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def _default(name, role='kafka'):
    import yaml
    with open(os.path.join(ROOT, 'roles', role, 'defaults', 'main.yml')) as handle:
        return yaml.safe_load(handle)[name]


def _ports(role, hv):
    """The ports a node must listen on: the inventory's values, else the roles' defaults; the
    metrics endpoint's too, when it is on."""
    if role == 'controller':
        ports = {int(hv.get('kafka_controller_port') or _default('kafka_controller_port'))}
    else:
        ports = {int(hv.get(name) or _default(name, 'kafka_broker'))
                 for name in ('kafka_broker_port', 'kafka_broker_internal_port')}
    enabled = hv.get('kafka_metrics_enabled', _default('kafka_metrics_enabled'))
    if enabled in (True, 'true', 'True', 'yes'):
        ports.add(int(hv.get('kafka_metrics_port') or _default('kafka_metrics_port')))
    return ports


def _nodes():
    if not INVENTORY:
        return []
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-inventory')
    data = json.loads(subprocess.run([binary, '-i', INVENTORY, '--list'], check=True,
                                     capture_output=True, text=True).stdout)
    hostvars = data['_meta']['hostvars']
    nodes = []
    for group, role in (('kraft_controllers', 'controller'), ('kafka_brokers', 'broker')):
        for name in data.get(group, {}).get('hosts', []):
            hv = hostvars[name]
            nodes.append(dict(name=name, role=role, address=hv.get('ansible_host', name),
                              user=hv.get('ansible_user', 'deploy'),
                              java_packages=hv.get('kafka_java_packages') or _default('kafka_java_packages'),
                              ports=_ports(role, hv)))
    return nodes


NODES = _nodes()


def pytest_generate_tests(metafunc):
    if 'node' in metafunc.fixturenames:
        if not NODES:
            metafunc.parametrize('node', [pytest.param(None, marks=pytest.mark.skip(
                reason='KRAFT_INFRA_INVENTORY and KRAFT_INFRA_KEY not set (run by molecule/ssh)'))])
        else:
            metafunc.parametrize('node', NODES, ids=[n['name'] for n in NODES])


@pytest.fixture
def host(node):
    import testinfra
    return testinfra.get_host('paramiko://%s@%s' % (node['user'], node['address']),
                              ssh_identity_file=KEY, sudo=True)
