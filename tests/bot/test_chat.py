import pytest

from bot.chat import RateLimited, RateLimiter
from index.errors import UserError


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_says_how_long_to_wait():
    clock = FakeClock()
    limiter = RateLimiter(2, 60, clock)
    assert limiter.retry_after("u1") == 0
    clock.now += 10
    assert limiter.retry_after("u1") == 0
    clock.now += 5
    assert limiter.retry_after("u1") == pytest.approx(45)


def test_window_slides():
    clock = FakeClock()
    limiter = RateLimiter(1, 30, clock)
    assert limiter.retry_after("u1") == 0
    clock.now += 30
    assert limiter.retry_after("u1") == 0


def test_users_are_counted_apart():
    limiter = RateLimiter(1, 60, FakeClock())
    assert limiter.retry_after("u1") == 0
    assert limiter.retry_after("u2") == 0
    assert limiter.retry_after("u1") > 0


def test_refused_requests_do_not_extend_the_wait():
    clock = FakeClock()
    limiter = RateLimiter(1, 60, clock)
    limiter.retry_after("u1")
    clock.now += 50
    assert limiter.retry_after("u1") == pytest.approx(10)
    clock.now += 10
    assert limiter.retry_after("u1") == 0


def test_zero_turns_limiting_off():
    limiter = RateLimiter(0, 60, FakeClock())
    assert all(limiter.retry_after("u1") == 0 for _ in range(100))


def test_message_rounds_to_whole_seconds():
    assert str(RateLimited(0.2)).endswith("in 1 second.")
    assert str(RateLimited(44.6)).endswith("in 45 seconds.")


def test_check_refuses_with_the_wait_as_a_user_error():
    clock = FakeClock()
    limiter = RateLimiter(1, 60, clock)
    limiter.check("u1")
    clock.now += 15
    with pytest.raises(RateLimited) as refused:
        limiter.check("u1")
    assert refused.value.retry_after == pytest.approx(45)
    assert isinstance(refused.value, UserError)
    assert str(refused.value).startswith("You're asking faster than I can keep up with.")
