"""Carry-over across plan years: which measures of an earlier plan a newer measure continues.

A newer plan's measure is compared with the actionable measures of earlier-year plans of the same
region or its parent region on four signals, combined into a score in [0, 1]:

- 内容: cosine of the TF-IDF vectors of jieba tokens (title twice, then text; the genre's
  stopwords dropped, publishing.ranking) — the main signal, weight 0.55;
- 标题: Jaccard of the title tokens — a renamed measure keeps its key words, weight 0.20;
- 单位: Jaccard of the responsible units as printed — the same bureau carries its own work, 0.15;
- 指标: the same national indicator (not 其他), 0.10.

Candidates come from an inverted index (only earlier measures sharing a token are scored), the best
`MAX_PER_MEASURE` above `THRESHOLD` become suggested MeasureLinks with a reason the admin can read.
Matching is pure (``match``); ``carryover_suggest`` reads and writes the database.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.services import audit
from plans.choices import PlanStatus
from plans.models import Measure, MeasureUnit, Plan
from tasks.models import Task

from .choices import LinkStatus
from .models import MeasureLink
from .ranking import tokens
from .terms import measure_terms

THRESHOLD = 0.25
MAX_PER_MEASURE = 2
CANDIDATES = 12
# Units and indicator only lift a pair that shares content: the same bureau does unrelated work too.
MIN_COSINE = 0.10
QUERY_TERMS = 20
WEIGHTS = {"text": 0.55, "title": 0.20, "units": 0.15, "indicator": 0.10}
OTHER = "其他"


@dataclass
class Doc:
    id: int
    title_tokens: list[str]
    text_tokens: list[str] = field(default_factory=list)
    units: frozenset = frozenset()
    indicator: str = ""
    vector: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, id: int, title: str, text: str = "", units=(), indicator: str = "") -> Doc:
        body = text if text and text.strip() != title.strip() else ""
        return cls(id, tokens(title), tokens(body), frozenset(u for u in units if u), indicator or "")


@dataclass
class Match:
    new_id: int
    old_id: int
    score: float
    reason: str


def _body(d: Doc) -> list[str]:
    return d.title_tokens + d.title_tokens + d.text_tokens


def _jaccard(a: set | frozenset, b: set | frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def match(new: list[Doc], old: list[Doc], *, threshold: float = THRESHOLD, k: int = MAX_PER_MEASURE) -> list[Match]:
    """The best predecessors (at most k, score >= threshold) of each new measure among old ones."""
    if not new or not old:
        return []
    bodies = {id(d): Counter(_body(d)) for d in new + old}
    df: Counter = Counter()
    for c in bodies.values():
        df.update(c.keys())
    n = len(bodies)
    idf = {t: math.log(1 + n / f) for t, f in df.items()}
    for d in new + old:
        v = {t: (1 + math.log(tf)) * idf[t] for t, tf in bodies[id(d)].items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        d.vector = {t: x / norm for t, x in v.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for j, d in enumerate(old):
        for t, x in d.vector.items():
            postings[t].append((j, x))
    title_sets = [set(o.title_tokens) for o in old]
    out: list[Match] = []
    for d in new:
        # Candidates from the QUERY_TERMS heaviest terms of the new measure (the light ones are
        # common and have the longest postings), then the exact cosine for the best CANDIDATES:
        # title and unit overlap only lift measures that already share content.
        dots: dict[int, float] = defaultdict(float)
        for t, x in heapq.nlargest(QUERY_TERMS, d.vector.items(), key=lambda kv: kv[1]):
            for j, y in postings.get(t, ()):
                dots[j] += x * y
        scored = []
        d_title = set(d.title_tokens)
        for j, _approx in heapq.nlargest(CANDIDATES, dots.items(), key=lambda kv: kv[1]):
            o = old[j]
            small, big = (d.vector, o.vector) if len(d.vector) <= len(o.vector) else (o.vector, d.vector)
            cos = sum(x * big.get(t, 0.0) for t, x in small.items())
            if cos < MIN_COSINE:
                continue
            title_j = _jaccard(d_title, title_sets[j])
            units_j = _jaccard(d.units, o.units)
            same_ind = bool(d.indicator and d.indicator == o.indicator and d.indicator != OTHER)
            score = (WEIGHTS["text"] * cos + WEIGHTS["title"] * title_j + WEIGHTS["units"] * units_j
                     + WEIGHTS["indicator"] * same_ind)
            if score >= threshold:
                scored.append((score, j, cos, units_j, same_ind))
        scored.sort(key=lambda s: (-s[0], old[s[1]].id))
        for score, j, cos, units_j, same_ind in scored[:k]:
            o = old[j]
            out.append(Match(d.id, o.id, round(score, 3), _reason(d, o, cos, same_ind)))
    return out


def _reason(d: Doc, o: Doc, cos: float, same_ind: bool) -> str:
    parts = []
    common = [t for t in dict.fromkeys(d.title_tokens) if t in set(o.title_tokens)]
    if common:
        parts.append("标题共同词：" + "、".join(common[:5]))
    shared_terms = sorted(set(d.vector) & set(o.vector), key=lambda t: -(d.vector[t] * o.vector[t]))
    shared_terms = [t for t in shared_terms if t not in common][:5]
    if shared_terms:
        parts.append("内容共同词：" + "、".join(shared_terms))
    units = sorted(d.units & o.units)
    if units:
        parts.append("相同责任单位：" + "、".join(units[:3]))
    if same_ind:
        parts.append(f"同属指标：{d.indicator}")
    parts.append(f"内容相似度 {cos:.2f}")
    return "；".join(parts)[:500]


# --- database side ------------------------------------------------------------------------

def _docs(measures) -> list[Doc]:
    ms = list(measures.only("id", "title", "text", "indicator_primary"))
    units: dict[int, list[str]] = defaultdict(list)
    for mid, name in MeasureUnit.objects.filter(measure__in=[m.pk for m in ms]).values_list("measure_id",
                                                                                           "name_as_printed"):
        units[mid].append(name)
    terms = measure_terms(ms)
    return [Doc(m.pk, terms[m.pk][0], terms[m.pk][1], frozenset(units[m.pk]), m.indicator_primary or "")
            for m in ms]


def _scope_regions(region) -> list[int]:
    return [r for r in (region.pk, region.parent_id) if r]


@transaction.atomic
def carryover_suggest(*, plan, actor=None) -> int:
    """Suggest links between `plan` and the plans of other years in its region or its parent's (both
    ways: `plan` continuing earlier plans, later plans continuing `plan`, whatever the import order).
    Existing links (suggested, confirmed or rejected) are kept as they are. Returns links created."""
    others = Plan.objects.exclude(pk=plan.pk).exclude(status=PlanStatus.ARCHIVED)
    earlier = others.filter(region_id__in=_scope_regions(plan.region), year__lt=plan.year)
    later = others.filter(Q(region_id=plan.region_id) | Q(region__parent_id=plan.region_id), year__gt=plan.year)
    mine = _docs(Measure.objects.filter(plan=plan, actionable=True, withdrawn_at__isnull=True))
    found: list[Match] = []
    if earlier.exists():
        found += match(mine, _docs(Measure.objects.filter(plan__in=earlier, actionable=True, withdrawn_at__isnull=True)))
    if later.exists():
        found += match(_docs(Measure.objects.filter(plan__in=later, actionable=True, withdrawn_at__isnull=True)), mine)
    rows = [MeasureLink(measure_id=m.new_id, predecessor_id=m.old_id, score=m.score, reason=m.reason)
            for m in found]
    before = MeasureLink.objects.count()
    MeasureLink.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return MeasureLink.objects.count() - before


@transaction.atomic
def measure_link_decide(*, link, actor, confirm: bool):
    """An admin confirms or rejects a suggested link (a rejected one is kept so it is not suggested
    again)."""
    before = {"status": link.status}
    link.status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"])
    audit(actor=actor, action="measure_link_confirm" if confirm else "measure_link_reject", obj=link,
          before=before, after={"status": link.status})
    return link


def dropped_commitments(plan):
    """Measures of earlier plans (same region or parent) with an unfinished task that no measure of
    `plan` continues (no suggested or confirmed link): commitments quietly dropped."""
    unfinished = Task.objects.open().filter(measure_id=OuterRef("pk"))  # withdrawn tasks are not unfinished work
    continued = MeasureLink.objects.filter(predecessor_id=OuterRef("pk"), measure__plan=plan).exclude(
        status=LinkStatus.REJECTED)
    return (Measure.objects.filter(plan__region_id__in=_scope_regions(plan.region), plan__year__lt=plan.year,
                                   actionable=True, withdrawn_at__isnull=True)
            .exclude(plan__status=PlanStatus.ARCHIVED)
            .filter(Exists(unfinished)).exclude(Exists(continued))
            .select_related("plan").order_by("plan__year", "order"))


# --- pages: links of a plan, a measure's history, dropped commitments ----------------------

def article_number(measure) -> str:
    """How a plan cites one of its measures: 第12条 for a numbered measure (1. / 12、), else the
    label path (二/（三）)."""
    label = (measure.label or "").strip().rstrip(".、．:：")
    if label.isdigit():
        return f"第{int(label)}条"
    where = (measure.path or measure.label or "").replace("/", "")
    return f"第{where}项" if where else ""


def links_by_measure(plan) -> dict[int, list]:
    """{measure id: its predecessor links (all statuses; confirmed, then suggested, then rejected;
    best score first)} for the measures of `plan`: one query for the review page."""
    from .choices import LinkStatus
    from .models import MeasureLink

    rank = {LinkStatus.CONFIRMED: 0, LinkStatus.SUGGESTED: 1, LinkStatus.REJECTED: 2}
    out: dict[int, list] = defaultdict(list)
    for link in (MeasureLink.objects.filter(measure__plan=plan)
                 .select_related("predecessor", "predecessor__plan", "decided_by")):
        out[link.measure_id].append(link)
    for links in out.values():
        links.sort(key=lambda lk: (rank.get(lk.status, 3), -lk.score, lk.predecessor_id))
    return dict(out)


def _best(links):
    """The link a chain follows: a confirmed one, else the best suggested one (never a rejected one)."""
    from .choices import LinkStatus

    live = [lk for lk in links if lk.status != LinkStatus.REJECTED]
    live.sort(key=lambda lk: (lk.status != LinkStatus.CONFIRMED, -lk.score, lk.pk))
    return live[0] if live else None


MAX_CHAIN = 10


def measure_history(measure, *, user, now=None) -> list[dict]:
    """The measure's chain across plan years, oldest first: each step {"measure", "plan", "link"
    (the link to the next year's measure, None for the last), "current", "tasks": [(unit name,
    status label)]}. Follows confirmed links, else the best suggested one; stops at a measure the
    user may not see (the same `visible_to` rule as every page)."""
    from django.utils import timezone

    from plans.models import Measure
    from tasks.choices import TaskStatus
    from tasks.models import Task

    from .models import MeasureLink

    visible = Measure.objects.visible_to(user) if user is not None else Measure.objects.none()
    links = MeasureLink.objects.select_related("measure__plan", "predecessor__plan")
    seen = {measure.pk}

    def walk(next_links, far_end: str) -> list:
        """The best link from each measure to the next, until the chain ends or comes back."""
        out, cur = [], measure
        for _ in range(MAX_CHAIN):
            lk = _best(list(next_links(cur)))
            if lk is None or getattr(lk, f"{far_end}_id") in seen:
                break
            out.append(lk)
            seen.add(getattr(lk, f"{far_end}_id"))
            cur = getattr(lk, far_end)
        return out

    back = walk(lambda m: links.filter(measure=m, predecessor__in=visible), "predecessor")  # back in time
    forward = walk(lambda m: links.filter(predecessor=m, measure__in=visible), "measure")
    if not back and not forward:
        return []
    steps = [(lk.predecessor, lk) for lk in reversed(back)] + [(measure, forward[0] if forward else None)]
    steps += [(lk.measure, forward[i + 1] if i + 1 < len(forward) else None) for i, lk in enumerate(forward)]
    label = dict(TaskStatus.choices)
    tasks: dict[int, list] = defaultdict(list)
    for t in (Task.objects.visible_to(user).filter(measure_id__in=[m.pk for m, _ in steps])
              .with_status(now=now or timezone.now()).select_related("unit").order_by("role", "unit__name")):
        tasks[t.measure_id].append((t.unit.name, label.get(t.status_db, t.status_db)))
    return [{"measure": m, "plan": m.plan, "link": lk, "current": m.pk == measure.pk, "tasks": tasks[m.pk]}
            for m, lk in steps]


def has_earlier_plans(plan) -> bool:
    """Whether `plan` has earlier-year plans it could continue (same region or its parent)."""
    from plans.choices import PlanStatus
    from plans.models import Plan

    return (Plan.objects.filter(region_id__in=_scope_regions(plan.region), year__lt=plan.year)
            .exclude(status=PlanStatus.ARCHIVED).exists())


def dropped_commitment_rows(plan, *, user, now=None) -> list[dict]:
    """`dropped_commitments(plan)` as the user may see them, each with its unfinished tasks:
    [{"measure", "plan", "tasks": [(unit name, status label)]}]."""
    from django.utils import timezone

    from plans.models import Measure
    from tasks.choices import TaskStatus
    from tasks.models import Task

    if user is None:
        return []
    measures = list(dropped_commitments(plan).filter(pk__in=Measure.objects.visible_to(user).values("pk")))
    label = dict(TaskStatus.choices)
    tasks: dict[int, list] = defaultdict(list)
    for t in (Task.objects.visible_to(user).open().filter(measure_id__in=[m.pk for m in measures])
              .with_status(now=now or timezone.now()).select_related("unit").order_by("role", "unit__name")):
        tasks[t.measure_id].append((t.unit.name, label.get(t.status_db, t.status_db)))
    return [{"measure": m, "plan": m.plan, "tasks": tasks[m.pk]} for m in measures]
