"""The ground floor: regions, units (aliases, groups), users' memberships, plans and their numbered
measure tree, who-sees-what (`querysets.scope_of`, `visible_to`), search over measures, and the
importer (`importers/`: a document file → a plan tree, pure text work, no database).

Every other domain app builds on this vocabulary; plans imports none of them (`.importlinter`).
It tells the apps above through `signals.tasks_revised` and asks them through hooks they register
(`importers.register_enricher`). Storing, reviewing and publishing a plan is `publishing`'s."""
