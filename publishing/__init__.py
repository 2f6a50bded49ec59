"""From document to tasks, and what plans carry across years. The import → review → publish
pipeline (`services.imports`, `services.revisions`: the one `plan_propagate` that copies a plan's
content to its targets and tasks; the upload job `models.ImportJob`; the plan pages `plan_views`
under the `plans:` URL names; `import_plan`, `seed_demo`), the case library (先进经验,
`services.library`) and carry-over links between plan years (`carryover`).
Above `tasks` and `indicators`, below `supervision`."""
