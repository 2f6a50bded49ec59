"""`{% related_articles measure %}`: the top-3 articles of the case library for a measure."""
from django import template

from ..services import related_articles as find

register = template.Library()


@register.inclusion_tag("publishing/_related_articles.html")
def related_articles(measure, k: int = 3):
    return {"measure": measure, "related": find(measure, k) if measure is not None else []}


@register.inclusion_tag("publishing/_related_articles_lazy.html")
def related_articles_lazy(measure):
    """A closed <details> that loads the articles when opened: a plan page lists hundreds of measures."""
    return {"measure": measure}
