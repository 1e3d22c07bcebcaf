"""Product text search: PostgreSQL full-text search (Indonesian), LIKE on SQLite.

PostgreSQL's ``indonesian`` configuration stems well but has no stopword list,
and ``websearch_to_tsquery`` only understands the English ``or``. So the query
is rewritten first: ``atau`` → ``or``, ``tanpa``/``bukan`` → ``-``, common
Indonesian function words dropped (the configuration would index "yang, dan, di, untuk").

Ranking is done over a capped candidate set: ``SearchRank`` over every match of
a common word costs ~150 ms at 1M rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection, connections, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Upper

from .pagination import COUNT_CAP

SEARCH_CONFIG = "indonesian"
# How many matches are ranked (SearchRank over every match of a common word costs ~150 ms
# at 1M rows). One more than the list's count cap, so a capped ranked list still reads
# "1.000+" and pages on (see catalog/pagination.py).
RANK_CANDIDATE_CAP = COUNT_CAP + 1
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# pg_trgm's default (0.6) misses common typos such as "kripik" for "keripik" (0.57).
WORD_SIMILARITY_THRESHOLD = 0.5

OR_WORDS = {"atau", "or"}
NOT_WORDS = {"tanpa", "bukan", "kecuali"}
STOPWORDS = {
    "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "adalah",
    "dalam", "oleh", "se", "para", "serta", "juga", "akan", "atas", "bagi", "sebagai",
    "secara", "agar", "karena", "sudah", "telah", "ada", "saja", "pun", "lah", "nya",
    "yg", "dgn", "utk",
}  # fmt: skip

TOKEN_RE = re.compile(r'-?"[^"]*"|\S+')
STRIP_CHARS = ".,;:!?()[]{}<>'`|&*+=\\/"


@dataclass
class Clause:
    """Terms that must all match (and negatives that must not); clauses are OR-ed."""

    terms: list[str] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass
class ParsedQuery:
    clauses: list[Clause]

    def __bool__(self) -> bool:
        return any(self.clauses)

    @property
    def positive_terms(self) -> list[str]:
        return [term for clause in self.clauses for term in clause.terms]

    def to_websearch(self) -> str:
        """The query in ``websearch_to_tsquery`` syntax."""

        def fmt(term: str) -> str:
            return f'"{term}"' if " " in term else term

        parts = []
        for clause in self.clauses:
            if not clause:
                continue
            words = [fmt(t) for t in clause.terms] + [f"-{fmt(t)}" for t in clause.negatives]
            parts.append(" ".join(words))
        return " or ".join(parts)


def parse_query(q: str) -> ParsedQuery:
    """Split a visitor's query into OR-ed clauses of required and excluded terms."""
    q = (q or "")[:MAX_QUERY_LENGTH].lower()
    clauses = [Clause()]
    negate_next = False
    count = 0
    for raw in TOKEN_RE.findall(q):
        negated = negate_next
        negate_next = False
        token = raw
        if token.startswith("-") and len(token) > 1:
            negated, token = True, token[1:]
        if token.startswith('"'):
            term = " ".join(w.strip(STRIP_CHARS) for w in token.strip('"').split())
            term = " ".join(w for w in term.split() if w)
        else:
            term = token.strip(STRIP_CHARS + '"-')
        if not term:
            continue
        if term in OR_WORDS and not negated:
            if clauses[-1]:
                clauses.append(Clause())
            continue
        if term in NOT_WORDS:
            negate_next = True
            continue
        if term in STOPWORDS:
            continue
        count += 1
        if count > MAX_TERMS:
            break
        (clauses[-1].negatives if negated else clauses[-1].terms).append(term)
    # A clause made only of negatives ("tanpa gula") restricts its neighbours.
    kept = [c for c in clauses if c]
    orphan_negatives = [n for c in clauses if not c for n in c.negatives]
    for clause in kept:
        clause.negatives.extend(orphan_negatives)
    return ParsedQuery(kept)


def search_products(queryset: QuerySet, q: str, *, ranked: bool = True) -> QuerySet:
    """Products of ``queryset`` matching ``q``; ordered by relevance when ``ranked``.

    Works on PostgreSQL (full-text, ranked, typo fallback) and on SQLite (LIKE).
    An empty query (or one of stopwords only) leaves the queryset unchanged.
    """
    parsed = parse_query(q)
    if not parsed:
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, parsed, ranked=ranked)
    return _search_like(queryset, parsed, ranked=ranked)


def _search_postgres(queryset: QuerySet, parsed: ParsedQuery, *, ranked: bool) -> QuerySet:
    query = SearchQuery(parsed.to_websearch(), config=SEARCH_CONFIG, search_type="websearch")
    matches = queryset.filter(search_vector=query)
    if ranked:
        # The candidate ids are read once (the count, the page and the ranking reuse them),
        # unordered, so PostgreSQL stops the GIN bitmap scan after RANK_CANDIDATE_CAP rows
        # (~10 ms); "the newest N matches" walked the published-date index and rechecked
        # every tayang product until N matched (120 ms for a word in 3% of 1M products).
        ids = list(matches.order_by().values_list("pk", flat=True)[:RANK_CANDIDATE_CAP])
        if ids:
            ranked_matches = (
                queryset.filter(pk__in=ids)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-published_at", "-id")
            )
            # Every candidate passed the same filters: CappedPaginator needs no COUNT query.
            ranked_matches.known_count = len(ids)
            return ranked_matches
    elif matches.exists():
        return matches
    fallback = _trigram_fallback(queryset, parsed)
    return fallback if fallback is not None else matches


def _trigram_fallback(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet | None:
    """Typo tolerance: names with a word close to the query ("kripik" → "Keripik").

    Filters with the ``%>`` operator first (served by the GIN trigram index on
    UPPER(name)), and only then computes the similarity of the few matches. The
    operator reads its threshold from ``pg_trgm.word_similarity_threshold``; it is
    set with ``SET LOCAL`` inside a transaction on the connection that runs the
    query (the replica, when the router picks one), so it never leaks into other
    requests on a persistent connection. The matching ids (at most
    ``RANK_CANDIDATE_CAP``) are read inside that transaction.
    """
    term = " ".join(parsed.clauses[0].terms).upper() if parsed.clauses else ""
    if not term:
        return None
    similar = queryset.alias(name_upper=Upper("name")).filter(name_upper__trigram_word_similar=term)
    with transaction.atomic(using=similar.db), connections[similar.db].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(WORD_SIMILARITY_THRESHOLD)],
        )
        ids = list(similar.order_by().values_list("pk", flat=True)[:RANK_CANDIDATE_CAP])
    similar_matches = (
        queryset.filter(pk__in=ids)
        .annotate(rank=TrigramWordSimilarity(Value(term), Upper("name")))
        .order_by("-rank", "-published_at", "-id")
    )
    similar_matches.known_count = len(ids)
    return similar_matches


def _like(term: str) -> Q:
    return Q(name__icontains=term) | Q(description__icontains=term) | Q(vendor__business_name__icontains=term)


def _search_like(queryset: QuerySet, parsed: ParsedQuery, *, ranked: bool) -> QuerySet:
    condition = Q()
    for clause in parsed.clauses:
        clause_q = Q()
        for term in clause.terms:
            clause_q &= _like(term)
        for term in clause.negatives:
            clause_q &= ~Q(name__icontains=term) & ~Q(description__icontains=term)
        condition |= clause_q
    matches = queryset.filter(condition)
    if not ranked:
        return matches
    # Relevance without FTS: products whose name holds the first word come first.
    first = parsed.positive_terms[0]
    return matches.annotate(
        rank=Case(When(name__icontains=first, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "-published_at", "-id")
