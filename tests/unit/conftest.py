import os
import sys

import pytest

# The repository is the collection kafkaops.kraft; collections/ makes it importable as
# ansible_collections.kafkaops.kraft, as Ansible imports it.
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'collections'))


@pytest.fixture
def kafka(monkeypatch):
    """A FakeKafka in place of kafka_client.send: no module test reaches the network."""
    from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_client
    from ansible_collections.kafkaops.kraft.tests.unit.module_harness import FakeKafka
    fake = FakeKafka()
    monkeypatch.setattr(kafka_client, 'send', fake)
    return fake


@pytest.fixture
def clock(monkeypatch):
    """A FakeClock in place of the time module of kafka_client's poll loop."""
    from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_client
    from ansible_collections.kafkaops.kraft.tests.unit.module_harness import FakeClock
    fake = FakeClock()
    monkeypatch.setattr(kafka_client, 'time', fake)
    return fake
