"""Use cases of the publishing app, one module per stage: `imports` (a parsed plan stored
all-or-nothing, the upload job), `revisions` (review edits, publishing, and the one propagation of a
plan's content to its targets and tasks), `library` (the case library)."""
