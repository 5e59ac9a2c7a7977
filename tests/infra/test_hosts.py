"""What the roles promise on every host, checked on the host itself (see conftest.py)."""
import re

CONFIG = {'controller': '/etc/kafka/controller.properties', 'broker': '/etc/kafka/broker.properties'}
DATA = {'controller': ['/var/lib/kafka/metadata'], 'broker': ['/var/lib/kafka/data']}


def kafka_pid(host):
    pid = host.check_output('systemctl show --property MainPID --value kafka')
    assert pid not in ('', '0'), 'kafka has no main process'
    return pid


def test_kafka_user_cannot_log_in(host, node):
    user = host.user('kafka')
    assert user.exists
    assert user.shell in ('/usr/sbin/nologin', '/sbin/nologin', '/bin/false')
    assert user.group == 'kafka'


def test_directories_owned_and_closed(host, node):
    for path in DATA[node['role']] + ['/var/log/kafka']:
        directory = host.file(path)
        assert directory.is_directory
        assert (directory.user, directory.group, directory.mode) == ('kafka', 'kafka', 0o750), path
    config_dir = host.file('/etc/kafka')
    assert (config_dir.user, config_dir.group, config_dir.mode) == ('root', 'kafka', 0o750)


def test_config_is_managed_and_not_world_readable(host, node):
    config = host.file(CONFIG[node['role']])
    assert (config.user, config.group, config.mode) == ('root', 'kafka', 0o640)
    assert 'Ansible managed' in config.content_string.splitlines()[0]
    unit = host.file('/etc/systemd/system/kafka.service')
    assert 'Ansible managed' in unit.content_string.splitlines()[0]


def test_no_world_readable_file_under_etc_kafka(host, node):
    found = host.check_output('find /etc/kafka -type f -perm -o=r -print')
    assert found == ''


def test_service_enabled_and_active(host, node):
    service = host.service('kafka')
    assert service.is_enabled
    assert service.is_running


def test_java_is_the_configured_release(host, node):
    # openjdk-21-jre-headless -> Java 21: the JRE kafka_java_packages asked for is the one running.
    major = re.search(r'openjdk-([0-9]+)-', ' '.join(node['java_packages'])).group(1)
    version = host.run('java -version')
    assert version.rc == 0
    assert 'version "%s' % major in version.stderr


def test_listens_only_on_its_listeners(host, node):
    pid = kafka_pid(host)
    # As the kafka user: root in a container without CAP_SYS_PTRACE cannot map another user's
    # sockets to their process.
    lines = host.check_output('sudo -u kafka ss -Hltnp').splitlines()
    ports = {int(line.split()[3].rsplit(':', 1)[1]) for line in lines if 'pid=%s,' % pid in line}
    assert ports == node['ports']


def test_open_file_limit_effective(host, node):
    limits = host.file('/proc/%s/limits' % kafka_pid(host)).content_string
    line = [entry for entry in limits.splitlines() if entry.startswith('Max open files')][0]
    soft, hard = (int(value) for value in line.split()[3:5])
    # The unit asks 128000; the test containers cap open files at 20000.
    assert soft == hard and soft >= 20000


def test_process_runs_as_kafka_with_hardening(host, node):
    pid = kafka_pid(host)
    assert host.check_output('ps -o user= -p %s' % pid) == 'kafka'
    status = host.file('/proc/%s/status' % pid).content_string
    assert 'NoNewPrivs:\t1' in status
