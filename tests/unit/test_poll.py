from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable, poll


class FakeClock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_poll_returns_first_healthy_answer():
    answers = iter([({'a': 1}, ['not yet']), ({'a': 2}, [])])
    clock = FakeClock()
    facts, problems, error, attempts = poll(lambda: next(answers), wait=10, clock=clock, sleep=clock.sleep)
    assert (facts, problems, error, attempts) == ({'a': 2}, [], None, 2)


def test_poll_gives_up_after_wait_with_last_problems():
    clock = FakeClock()
    facts, problems, error, attempts = poll(lambda: ({}, ['broker 6 is fenced']), wait=3, clock=clock, sleep=clock.sleep)
    assert problems == ['broker 6 is fenced'] and attempts == 4 and clock.now == 3


def test_poll_reports_unavailable():
    def down():
        raise KafkaUnavailable('DescribeQuorum failed on every bootstrap address (c1:9093: refused)')
    clock = FakeClock()
    facts, problems, error, attempts = poll(down, wait=0, clock=clock, sleep=clock.sleep)
    assert facts is None and attempts == 1 and 'c1:9093: refused' in error
