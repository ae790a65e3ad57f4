from backend.chat_limits import SlidingWindowLimiter


def test_allows_up_to_the_limit_within_the_window() -> None:
    limiter = SlidingWindowLimiter(limit=3, window_seconds=60)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.retry_after("a", now=3) == 58


def test_the_window_slides() -> None:
    limiter = SlidingWindowLimiter(limit=2, window_seconds=10)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=5)
    assert not limiter.allow("a", now=9)
    assert limiter.allow("a", now=10.5)  # the hit at 0 has left the window


def test_keys_are_independent_and_bounded() -> None:
    limiter = SlidingWindowLimiter(limit=1, window_seconds=60, max_keys=2)
    assert limiter.allow("a", now=0) and limiter.allow("b", now=0)
    assert not limiter.allow("a", now=1)
    limiter.allow("c", now=2)  # "b" is the least recently used and is forgotten
    assert limiter.allow("b", now=3)
