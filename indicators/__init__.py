"""Quantitative targets of a measure (metric, op, value, unit, baseline) and when one is met (达标,
`querysets`: `Target.objects.met()`), written by `services` on import and review; the national
indicator keyword model (`mapping.py`, `data/keywords.json`) that labels measures at import.
Above `plans`, below `tasks`: the readings a progress report carries are `tasks.TargetReading`."""
