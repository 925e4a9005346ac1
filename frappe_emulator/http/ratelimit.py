"""The site rate limiter: a time budget, not a request count (spec §9; Part II §9).

The wall-clock duration of every request (µs) is summed site-wide per fixed window
(``window_number = now // window``); once the sum is over ``limit`` seconds, every request in that
window gets 429 ``TooManyRequestsError`` with ``Retry-After``. Every response carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` (16: rounded down to whole seconds' worth), ``X-RateLimit-Reset``, and in 15
``X-RateLimit-Used``. Windows follow the site clock, so tests move them with the clock control.
"""
from __future__ import annotations

import threading

from ..errors import FrappeError


class RateLimiter:
    def __init__(self, site, limit_s: int, window_s: int):
        self.site = site
        self.limit = limit_s * 1_000_000
        self.window = window_s
        self.used: dict[int, int] = {}
        self._lock = threading.Lock()

    def _window(self) -> tuple[int, int]:
        now = self.site.clock.epoch()
        number = int(now // self.window)
        reset = int(self.window - (now % self.window)) or 1
        return number, reset

    def check(self) -> None:
        number, reset = self._window()
        with self._lock:
            used = self.used.get(number, 0)
        if used > self.limit:
            raise FrappeError("TooManyRequestsError", None, messages=[], traceback=False,
                              extra={"_retry_after": reset})

    def charge(self, micros: int) -> list[tuple[str, str]]:
        number, reset = self._window()
        with self._lock:
            used = self.used[number] = self.used.get(number, 0) + max(int(micros), 0)
            for old in [k for k in self.used if k < number]:
                del self.used[old]
        remaining = max(self.limit - used, 0)
        if self.site.options.major >= 16:
            remaining = remaining // 1_000_000 * 1_000_000
        headers = [("X-RateLimit-Limit", str(self.limit)), ("X-RateLimit-Remaining", str(remaining)),
                   ("X-RateLimit-Reset", str(reset))]
        if self.site.options.major == 15:
            headers.append(("X-RateLimit-Used", str(int(micros))))
        return headers

    def state(self) -> dict:
        number, reset = self._window()
        return {"limit_us": self.limit, "window_s": self.window, "used_us": self.used.get(number, 0), "reset_s": reset}
