"""The collection as Galaxy users get it: `ansible-galaxy collection build`, install into an empty
collections path, then ansible-doc and playbooks by FQCN - with nothing of the checkout in reach."""
import os
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.path.dirname(sys.executable)


def run(args, cwd, env):
    proc = subprocess.run([os.path.join(BIN, args[0])] + args[1:], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('galaxy')
    env = dict(os.environ, ANSIBLE_CONFIG=str(tmp / 'none.cfg'), ANSIBLE_COLLECTIONS_PATH=str(tmp / 'collections'),
               ANSIBLE_NOCOLOR='1')
    run(['ansible-galaxy', 'collection', 'build', '--output-path', str(tmp), ROOT], tmp, env)
    tarball = str(tmp / 'kafkaops-kraft-0.1.0.tar.gz')
    run(['ansible-galaxy', 'collection', 'install', '--offline', '-p', str(tmp / 'collections'), tarball], tmp, env)
    return tmp, env, tarball


def test_tarball_holds_no_caches_venvs_or_archives(installed):
    tarball = installed[2]
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert 'plugins/modules/kraft_quorum_info.py' in names and 'roles/kafka_broker/tasks/main.yml' in names
    for name in names:
        assert not name.startswith(('.cache', '.venv', '.git/', 'collections/', 'bench/results')), name
        assert not name.endswith(('.tgz', '.pyc')), name


@pytest.mark.parametrize('plugin_type, name', [
    ('module', 'kafkaops.kraft.kraft_quorum_info'),
    ('module', 'kafkaops.kraft.kafka_broker_info'),
    ('module', 'kafkaops.kraft.kafka_acl'),
    ('module', 'kafkaops.kraft.kafka_scram_user'),
    ('module', 'kafkaops.kraft.kafka_cluster_config'),
    ('role', 'kafkaops.kraft.kraft_controller'),
    ('role', 'kafkaops.kraft.kafka_broker'),
    ('filter', 'kafkaops.kraft.kraft_decide_cluster_id'),
    ('lookup', 'kafkaops.kraft.kraft_template'),
])
def test_ansible_doc_by_fqcn(installed, plugin_type, name):
    tmp, env = installed[:2]
    out = run(['ansible-doc', '-t', plugin_type, name], tmp, env)
    assert name in out


def test_playbooks_by_fqcn(installed):
    tmp, env = installed[:2]
    inventory = os.path.join(ROOT, 'inventories', 'example')
    for playbook in ('site', 'rolling_restart', 'verify'):
        out = run(['ansible-playbook', '-i', inventory, '--syntax-check', 'kafkaops.kraft.%s' % playbook], tmp, env)
        assert 'kafkaops.kraft.%s' % playbook in out or 'playbook:' in out


def test_execution_environment_context(installed, tmp_path):
    """ansible-builder create turns execution-environment.yml into a build context holding
    the collection tarball and kafka-python (building the image needs a registry)."""
    env, tarball = installed[1:]
    with open(os.path.join(ROOT, 'execution-environment.yml')) as handle:
        (tmp_path / 'execution-environment.yml').write_text(handle.read())
    (tmp_path / os.path.basename(tarball)).write_bytes(open(tarball, 'rb').read())
    run(['ansible-builder', 'create', '-f', 'execution-environment.yml', '-c', 'context'], str(tmp_path), env)
    context = tmp_path / 'context'
    name = 'Containerfile' if (context / 'Containerfile').exists() else 'Dockerfile'  # per runtime found
    containerfile = (context / name).read_text()
    assert 'quay.io/ansible/awx-ee' in containerfile
    files = [os.path.relpath(os.path.join(d, f), str(context)) for d, _dirs, fs in os.walk(str(context)) for f in fs]
    assert any(f.endswith('requirements.txt') and 'kafka-python' in open(os.path.join(str(context), f)).read()
               for f in files), files
    assert any(f.endswith(os.path.basename(tarball)) for f in files), files
    # The galaxy stage copies _build to /build and installs its requirements.yml there: install
    # that same file, with /build pointing at the context's _build, into an empty path.
    assert 'COPY _build /build' in containerfile
    requirements = (context / '_build' / 'requirements.yml').read_text()
    assert '/build/collections/' + os.path.basename(tarball) in requirements
    (tmp_path / 'ee-requirements.yml').write_text(requirements.replace('/build/', str(context / '_build') + '/'))
    run(['ansible-galaxy', 'collection', 'install', '--offline', '--force', '-r', 'ee-requirements.yml',
         '-p', str(tmp_path / 'ee-collections')], str(tmp_path), env)
    assert (tmp_path / 'ee-collections' / 'ansible_collections' / 'kafkaops' / 'kraft' / 'MANIFEST.json').exists()
