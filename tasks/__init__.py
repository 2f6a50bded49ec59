"""The work: a task is one unit's share of one measure. Progress reports per period (append-only
versions) with the target readings they carry, drafts, evidence, extension requests, completion
applications; status computed from stored facts on the official working-day calendar.
Above `plans` and `indicators`; below `publishing` (which creates tasks) and `supervision`."""
