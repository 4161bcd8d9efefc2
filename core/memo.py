"""Per-process memos: what one process keeps between requests, under keys that name its version.

Every memo is a `Memo`: a dict with a size, emptied whole when full (what it holds is cheap to read
again, and under current versions it is soon read again). Each registers itself, so tests start
with none kept by calling `forget_all()`, however many memos the site grows.
"""

import weakref

_memos: weakref.WeakSet["Memo"] = weakref.WeakSet()
_other_forgetters = []


class Memo(dict):
    """A bounded per-process memo; read it like a dict, add with `keep`."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        _memos.add(self)

    __hash__ = object.__hash__  # a WeakSet member, compared by identity

    def keep(self, key, value):
        """Keep `value` under `key` (emptying the memo first when it is full), and return it."""
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


def on_forget(function):
    """Also call `function` in `forget_all` (for what is kept other than in a Memo); use as a decorator."""
    _other_forgetters.append(function)
    return function


def forget_all() -> None:
    """Empty every memo of this process."""
    for memo in list(_memos):
        memo.clear()
    for function in _other_forgetters:
        function()
