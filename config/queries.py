"""The few queries a page runs on every request, compiled once per process.

Building a queryset and compiling it to SQL costs the ORM 0.2-0.5 ms of CPU; running the SQL it
yields, a keyed lookup, costs a tenth of that (measured on the task page's permission check: 0.62 ms
through the ORM, 0.09 ms as compiled SQL). `first_row(key, build)` compiles `build()` the first time
the process meets `key` and afterwards only runs the SQL.

The SQL is kept under `key` alone: the queryset `build()` returns (a values_list), text and
parameters, must be a pure function of the key (a visible_to is one of the reader's Scope, for
example). The values are converted as the ORM converts them (the database back end's converters and
the fields'). The data is read on every call; only the compilation is kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# Enough for every (reader's scope, task) pair a busy day brings to one process; the oldest go first.
MAX_KEPT = 4096

# key → (database alias, SQL, parameters, the converters of the selected columns by position)
_compiled: OrderedDict[Hashable, tuple[str, str, tuple, dict]] = OrderedDict()
_lock = threading.Lock()


def first_row(key: Hashable, build: Callable[[], QuerySet]) -> tuple | None:
    """The first row of build() (a values_list queryset), or None; compiled once per key."""
    with _lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
    if found is None:
        queryset = build()[:1]
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # qs.none(): a reader who may see nothing
            found = (None, "", (), {})
        else:
            found = (queryset.db, sql, params, compiler.get_converters([column for column, _, _ in compiler.select]))
        with _lock:
            _compiled[key] = found
            while len(_compiled) > MAX_KEPT:
                _compiled.popitem(last=False)
    alias, sql, params, converters = found
    if alias is None:
        return None
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or not converters:
        return row
    row = list(row)
    for position, (convert, expression) in converters.items():  # as SQLCompiler.apply_converters
        for converter in convert:
            row[position] = converter(row[position], expression, connection)
    return tuple(row)
