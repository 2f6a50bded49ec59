"""The one jieba tokenizer of the process, shared by the importer (unit names) and search.

Loading jieba's dictionary takes ~0.6 s and ~50 MB, so it happens once per process, lazily and
thread-safely. Callers may add words (unit-name suffixes, registry names); they only help both users.
"""
from __future__ import annotations

import threading

from .unitnames import UNIT_SUFFIXES

_tokenizer = None
_lock = threading.Lock()


def get_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for s in UNIT_SUFFIXES:
                    if len(s) > 1:
                        tk.add_word(s, freq=2000)
                _tokenizer = tk
    return _tokenizer
