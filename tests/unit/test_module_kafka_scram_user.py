"""kafka_scram_user's main() against a fake cluster (see module_harness)."""
import hashlib

import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_scram_user
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    alter_scram_response,
    run_module,
    scram_response,
)

SHA256, SHA512 = kp.SCRAM_MECHANISMS['SCRAM-SHA-256'], kp.SCRAM_MECHANISMS['SCRAM-SHA-512']
USERS = [dict(name='orders-app', password='0rders-app-password'), dict(name='old-app', state='absent')]


def test_check_mode_reports_users_to_create_and_delete_and_sends_no_change(kafka):
    # old-app has a SHA-512 credential; billing-app only a SHA-256 one, which this run does not manage.
    kafka.answer('DescribeUserScramCredentialsRequest', scram_response({'old-app': [SHA512], 'billing-app': [SHA256]}))
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS), check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True and result['available'] is True
    assert result['created'] == ['orders-app'] and result['deleted'] == ['old-app']
    assert result['diff'] == dict(before='old-app\n', after='orders-app\n')
    assert kafka.requests('AlterUserScramCredentialsRequest') == []


def test_creates_and_deletes_with_a_salted_password(kafka):
    kafka.answer('DescribeUserScramCredentialsRequest', scram_response({'old-app': [SHA512]}))
    kafka.answer('AlterUserScramCredentialsRequest', lambda address, request: alter_scram_response(request))
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS, iterations=4096))
    assert not result['failed'] and result['changed'] is True
    assert result['created'] == ['orders-app'] and result['deleted'] == ['old-app']
    [request] = kafka.requests('AlterUserScramCredentialsRequest')
    [upsertion] = request.upsertions
    assert (upsertion.name, upsertion.mechanism, upsertion.iterations) == ('orders-app', SHA512, 4096)
    assert upsertion.salted_password == hashlib.pbkdf2_hmac('sha512', b'0rders-app-password', upsertion.salt, 4096)
    assert [(d.name, d.mechanism) for d in request.deletions] == [('old-app', SHA512)]
    assert '0rders-app-password' not in repr(result)


@pytest.mark.parametrize('update_password, changed', [('on_create', False), ('always', True)])
def test_an_existing_user_is_rewritten_only_with_update_password_always(kafka, update_password, changed):
    kafka.answer('DescribeUserScramCredentialsRequest', scram_response({'orders-app': [SHA512]}))
    kafka.answer('AlterUserScramCredentialsRequest', lambda address, request: alter_scram_response(request))
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS[:1], update_password=update_password))
    assert not result['failed'] and result['changed'] is changed
    assert len(kafka.requests('AlterUserScramCredentialsRequest')) == int(changed)


def test_a_refused_change_fails_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeUserScramCredentialsRequest', scram_response({}))
    kafka.answer('AlterUserScramCredentialsRequest', lambda address, request: alter_scram_response(request, error_code=93))
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS[:1], fail_on_unavailable=False))
    assert result['failed'] and result['available'] is True
    assert result['msg'] == ('SCRAM users could not be managed: AlterUserScramCredentials of orders-app refused: '
                             'error 93 (UNACCEPTABLE_CREDENTIAL): refused')


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('DescribeUserScramCredentialsRequest',
                 KafkaUnavailable('connect/handshake: [Error 58] SaslAuthenticationFailedError: bad password'))
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS, fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert 'SaslAuthenticationFailedError' in (result['msg'] if fail_on_unavailable else result['error'])


def test_a_bug_in_check_mode_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeUserScramCredentialsRequest', KeyError('credential_infos'))
    with pytest.raises(KeyError):
        run_module(kafka_scram_user, dict(CONNECTION, users=USERS, fail_on_unavailable=False), check_mode=True)


@pytest.mark.parametrize('iterations', [4095, 16385])
def test_iterations_outside_what_kafka_accepts_fail_before_sending(kafka, iterations):
    result = run_module(kafka_scram_user, dict(CONNECTION, users=USERS, iterations=iterations))
    assert result['failed'] and 'iterations must be 4096 to 16384' in result['msg']
    assert kafka.sent == []
