from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from plans.models import Measure
from plans.querysets import scope_of

from .forms import CompilationUploadForm, LibrarySearchForm
from .models import Article, Compilation
from .services import LibraryImportError, compilation_import_file, library_search, related_articles

PAGE_SIZE = 20


@login_required
def library(request):
    form = LibrarySearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    rows = library_search(q) if q else [(a, None) for a in Article.objects.visible_to(request.user)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(a, mark_safe(s) if s else None) for a, s in page.object_list]  # noqa: S308 — escaped by ranking.snippet
    return render(request, "publishing/library.html", {
        "form": form, "q": q, "page": page, "items": items, "total": len(rows),
        "can_upload": scope_of(request.user).is_admin,
    })


@login_required
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.visible_to(request.user).select_related("compilation"), pk=pk)
    return render(request, "publishing/article_detail.html", {"article": article})


@login_required
def related_for_measure(request, pk: int):
    """The fragment a plan page loads when a measure's 相关先进经验 is opened."""
    measure = get_object_or_404(Measure.objects.visible_to(request.user), pk=pk)
    return render(request, "publishing/_related_articles.html",
                  {"measure": measure, "related": related_articles(measure, 3)})


@login_required
def compilation_upload(request):
    if not scope_of(request.user).is_admin:
        raise Http404
    form = CompilationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            # Parsing a compilation is quick (a 180 KB file in well under a second): no job needed.
            result = compilation_import_file(data=f.read(), filename=f.name, actor=request.user)
        except LibraryImportError as exc:
            form.add_error("file", exc.message)
        else:
            if result.created:
                messages.success(request, f"已导入《{result.compilation}》，共 {result.articles} 篇文章。")
            else:
                messages.info(request, f"该文件已导入过（《{result.compilation}》），没有任何修改。")
            return redirect("publishing:library")
    return render(request, "publishing/upload.html", {
        "form": form, "compilations": Compilation.objects.order_by("-imported_at")[:10]})
