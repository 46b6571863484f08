import pytest

from bot.ratelimit import RateLimiter, rate_limited_message


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
    assert rate_limited_message(0.2).endswith("in 1 second.")
    assert rate_limited_message(44.6).endswith("in 45 seconds.")
