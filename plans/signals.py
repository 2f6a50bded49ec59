"""Signals the plans layer sends to the layers above it (it imports none of them).

`tasks_revised`: a revision of a published plan changed tasks. Sent inside the transaction of the
change with `plan`, `notices` (a list of (task, Chinese text)) and `now`; supervision turns each
notice into in-app reminders for the task's unit, carried by its outbox like every other reminder."""
from django.dispatch import Signal

tasks_revised = Signal()
