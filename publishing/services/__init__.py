"""Use cases of the publishing app, one module per stage: `imports` (a parsed plan stored
all-or-nothing, the upload job), `revisions` (review edits, publishing, and the one propagation of a
plan's content to its targets and tasks), `library` (the case library)."""
from .imports import ImportDiff, ImportResult, import_job_create, import_job_run, plan_import
from .library import (CompilationImportResult, LibraryImportError, LibraryIndex, RelatedArticle, article_save,
                      compilation_import, compilation_import_file, library_search, related_articles,
                      related_articles_bulk)
from .revisions import (StaleEditError, TaskChanges, measure_add, measure_remove, measure_update, plan_propagate,
                        plan_publish, plan_update, unit_map)

__all__ = [
    "ImportDiff", "ImportResult", "import_job_create", "import_job_run", "plan_import",
    "CompilationImportResult", "LibraryImportError", "LibraryIndex", "RelatedArticle", "article_save",
    "compilation_import", "compilation_import_file", "library_search", "related_articles", "related_articles_bulk",
    "StaleEditError", "TaskChanges", "measure_add", "measure_remove", "measure_update", "plan_propagate",
    "plan_publish", "plan_update", "unit_map",
]
