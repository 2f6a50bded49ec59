"""Emptying every cache: the shared one and each process's own ("local", the kept pages' copies)."""
from django.core.cache import caches


def clear_caches():
    for each in caches.all():
        each.clear()
