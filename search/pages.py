"""Page search for the public portal: indexing published pages and answering queries."""

from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.blocks.field_block import BaseChoiceBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from appeals.text import ENGLISH_WORD, as_token_text, index_terms, normalize, query_terms, query_words
from portal import placeholders

from .models import PageSearchEntry

# Page's own fields that hold text but are not content (paths, slugs, SEO titles are indexed apart).
SKIPPED_FIELDS = {"slug", "url_path", "draft_title", "seo_title", "search_description", "title"}
EXCERPT_LENGTH = 160
TITLE_WEIGHT = 10


def content_text(page):
    """The readable text of ``page``'s own content fields: rich text and StreamFields, HTML stripped."""
    parts = []
    for field in page._meta.concrete_fields:
        if field.model is Page or field.name in SKIPPED_FIELDS or field.choices:
            continue
        value = getattr(page, field.attname, None)
        if not value:
            continue
        if isinstance(field, StreamField):
            parts.extend(block_text(field.stream_block, value))
        elif isinstance(field, RichTextField):
            parts.extend(field.get_searchable_content(value))
        elif isinstance(field, (models.CharField, models.TextField)):
            parts.append(strip_tags(str(value)))
    return "\n".join(part.strip() for part in parts if part and part.strip())


def block_text(block, value):
    """The text a reader sees in a StreamField value.

    Wagtail's own searchable content also holds each choice's label (a heading's level reads "章" or
    "節"), which is the editor's vocabulary, not the page's: excerpts would show "總則 章 目的 節".
    """
    if value is None or isinstance(block, (BaseChoiceBlock, blocks.BooleanBlock)):
        return []
    if isinstance(block, blocks.StructBlock):
        return [
            text for name, child in block.child_blocks.items() for text in block_text(child, value.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        return [text for item in value for text in block_text(block.child_block, item)]
    if isinstance(block, blocks.StreamBlock):
        return [text for child in value for text in block_text(child.block, child.value)]
    return block.get_searchable_content(value)


def index_page(page_id):
    """Bring the entry for one page up to date: live pages are (re)indexed, others removed."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not page.live:
        PageSearchEntry.objects.filter(page_id=page_id).delete()
        return None
    page = page.specific
    body = "\n".join(part for part in (page.search_description, content_text(page)) if part)
    # The text keeps its placeholders ({reply_days}, {office}) so excerpts show the current values;
    # the terms are those of the page as shown, so the office's name finds the measures.
    with translation.override(page.locale.language_code):
        shown = placeholders.fill(body)
    values = {
        "locale_id": page.locale_id,
        "title_terms": as_token_text(index_terms(page.title)),
        "terms": as_token_text(index_terms(f"{page.title}\n{shown}")),
        "text": body,
    }
    entry = PageSearchEntry.objects.filter(page=page).first()
    if entry is not None and all(getattr(entry, name) == value for name, value in values.items()):
        return entry  # unchanged: re-running load_demo or a rebuild writes nothing
    entry, _created = PageSearchEntry.objects.update_or_create(page=page, defaults=values)
    return entry


def rebuild():
    """Index every live page afresh and forget the rest. Returns the number of pages indexed."""
    live_ids = list(Page.objects.live().filter(depth__gt=1).values_list("pk", flat=True))
    PageSearchEntry.objects.exclude(page_id__in=live_ids).delete()
    for page_id in live_ids:
        index_page(page_id)
    return len(live_ids)


@dataclass
class Result:
    page: Page
    excerpt: list  # (text, is_match) pairs
    score: int
    density: float


def search(query, locale):
    """Live, public pages of ``locale`` that contain every term of ``query``, best first."""
    terms = query_terms(query)
    if not terms:
        return []
    entries = PageSearchEntry.objects.filter(
        locale=locale,
        page__in=Page.objects.live().public().filter(locale=locale),
    ).select_related("page")
    for term in terms:
        entries = entries.filter(terms__contains=f" {term} ")
    words = [word for word in query_words(query) if word not in terms]
    results = []
    filled = {}
    for entry in entries:
        text = entry.text
        if placeholders.PLACEHOLDER.search(text):
            filled = filled or placeholders.current_values()
            text = placeholders.fill(text, filled)
        title_hits = sum(f" {term} " in entry.title_terms for term in terms)
        word_hits = sum(f" {word} " in entry.terms for word in words)
        folded = normalize(f"{entry.page.title}\n{text}")
        occurrences = sum(min(folded.count(term), 5) for term in terms)
        score = TITLE_WEIGHT * title_hits + 2 * word_hits + occurrences
        # Between equal scores, the page where the words weigh more (a short answer rather than
        # a long regulation that mentions them in passing) comes first.
        density = sum(folded.count(term) for term in terms) / max(len(folded), 1)
        results.append(Result(page=entry.page, excerpt=excerpt(text, terms), score=score, density=density))
    results.sort(key=lambda result: (-result.score, -result.density, result.page.title))
    return results


def excerpt(text, terms, length=EXCERPT_LENGTH):
    """A stretch of ``text`` around the first match, as (part, is_match) pairs for highlighting.

    Starts at the beginning of the text when nothing can be located.
    """
    text = " ".join(text.split())
    folded = normalize(text)
    # Folding keeps positions when it keeps the length, which it does for nearly all page text;
    # otherwise the excerpt is simply the start of the text, without highlighting.
    hits = [False] * len(text)
    if len(folded) == len(text):
        for term in terms:
            position = folded.find(term)
            while position >= 0:
                end = position + len(term)
                if ENGLISH_WORD.fullmatch(term):
                    # An English term is a stem: the word it was found in is highlighted whole.
                    while end < len(folded) and "a" <= folded[end] <= "z":
                        end += 1
                hits[position:end] = [True] * (end - position)
                position = folded.find(term, position + 1)
    first = hits.index(True) if True in hits else 0
    start = max(0, first - length // 4)
    end = min(len(text), start + length)
    parts = []
    for index in range(start, end):
        if parts and parts[-1][1] == hits[index]:
            parts[-1][0] += text[index]
        else:
            parts.append([text[index], hits[index]])
    if start > 0:
        parts.insert(0, ["…", False])
    if end < len(text):
        parts.append(["…", False])
    return [tuple(part) for part in parts]
