"""Full-text search of procedures, one backend per database vendor behind one function.

Both backends search ``Procedure.search_text``: the name, English name, code and sector name
folded by ``core.text.fold`` when the procedure is written (lower case, no diacritics, đ -> d), so
``giay phep lai xe`` and ``Giấy phép lái xe`` are the same words on both vendors. A query is
folded the same way and split into words; every word must match a word of the procedure as a
prefix (``giay phe`` finds ``giấy phép``). When a word matches nothing, small typos are tolerated:

- PostgreSQL: a GIN index on the generated column ``search_tsv`` (no pending list, migration 0004)
  answers the prefix query (``giay:* & phep:*``). Misspelt words are corrected first, in one
  statement on the vocabulary table ``catalogue_search_word`` (the distinct folded words of the
  catalogue, kept current by statement-level triggers on ``catalogue_procedure``, migration 0003): a
  word that no vocabulary word starts with (a range on its "C"-collated primary key) takes the
  ``NEAREST`` words by trigram distance (``ORDER BY term <-> word LIMIT n`` on a GiST
  ``gist_trgm_ops`` index), of which those within the edit distance of ``_is_near`` (the SQLite
  rule) become alternatives: ``(phapp:* | phap)``. The word itself stays one, so a vocabulary
  missing a word never loses an exact match. Rank: ``ts_rank``.
- SQLite: an FTS5 table (external content, kept in sync by triggers, migration 0002) answers the
  prefix query; a word without any prefix match in the FTS vocabulary is replaced by the
  vocabulary words within Damerau-Levenshtein distance 1 (2 for words of 8+ letters). Rank: bm25.

On both, names that start with the query, then names that contain it, come first. A query that
looks like a national code (``1.0011``) matches codes by prefix instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, Value, When

from egov.catalogue.models import Procedure
from egov.core.text import fold

CODE_QUERY = re.compile(r"^\d\.\d{0,6}$")
_WORD = re.compile(r"[a-z0-9]+")
_TABLE = Procedure._meta.db_table
FTS_TABLE = "catalogue_procedure_fts"
VOCAB_TABLE = "catalogue_procedure_fts_vocab"


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    folded: str
    words: tuple[str, ...]
    code_prefix: str


def parse(query: str) -> ParsedQuery:
    text = query.strip()
    if CODE_QUERY.match(text):
        return ParsedQuery(folded=text, words=(), code_prefix=text)
    folded = fold(text)[:200]
    return ParsedQuery(folded=folded, words=tuple(_WORD.findall(folded))[:12], code_prefix="")


def apply(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    """``queryset`` narrowed to the procedures matching ``parsed``, annotated with ``starts``
    and ``rank`` for ordering (``-starts, -rank``)."""
    if parsed.code_prefix:
        return queryset.filter(code__startswith=parsed.code_prefix).annotate(
            starts=Value(0, output_field=IntegerField()), rank=Value(0.0)
        )
    if not parsed.words:
        return queryset.annotate(starts=Value(0, output_field=IntegerField()), rank=Value(0.0))
    starts = Case(
        When(name_folded__startswith=parsed.folded, then=Value(2)),
        When(name_folded__contains=parsed.folded, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    queryset = queryset.annotate(starts=starts)
    if connection.vendor == "postgresql":
        return _postgres(queryset, parsed)
    return _sqlite(queryset, parsed)


# --- PostgreSQL ---------------------------------------------------------------------------------

_TSV = f"{_TABLE}.search_tsv"  # generated column, migration 0002
_MATCH = f"{_TSV} @@ to_tsquery('simple', %s)"
PG_VOCAB_TABLE = "catalogue_search_word"  # migration 0003, kept current by triggers
NEAREST = 30  # vocabulary words read per misspelt word, nearest by trigram distance first
# Per query word: NULL when a vocabulary word starts with it (a byte range on the "C"-collated
# primary key) or it is too short to correct, else its NEAREST closest vocabulary words (GiST
# trigram index, KNN order).
_PG_LOOKUP = (
    "SELECT q.word, CASE WHEN length(q.word) < 3 OR EXISTS ("  # noqa: S608 - constant names
    f"SELECT 1 FROM {PG_VOCAB_TABLE} WHERE term >= q.word AND term < q.word || '~'"
    f") THEN NULL ELSE ARRAY(SELECT term FROM {PG_VOCAB_TABLE} "
    f"ORDER BY term <-> q.word LIMIT {NEAREST}) END "
    'FROM unnest(%s::text[] COLLATE "C") AS q(word)'
)


def _pg_tsquery(words: tuple[str, ...]) -> str:
    """The prefix tsquery of ``words``, a misspelt word (3+ letters, no vocabulary word starts
    with it) widened to itself or the vocabulary words within the edit distance of ``_is_near``."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_LOOKUP, [list(words)])
        nearest: dict[str, list[str] | None] = dict(cursor.fetchall())
    parts = []
    for word in words:
        candidates = nearest[word]
        if candidates is None:
            parts.append(f"{word}:*")
            continue
        # The word itself stays an alternative: a vocabulary that misses a word (a procedure
        # written outside the triggers' reach) costs typo tolerance, never an exact match.
        near = [term for term in candidates if _WORD.fullmatch(term) and _is_near(word, term)]
        parts.append("(" + " | ".join([f"{word}:*", *near]) + ")" if near else f"{word}:*")
    return " & ".join(parts)


def _postgres(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    """Prefix full-text match of every word (GIN on ``search_tsv``), misspelt words corrected
    through the vocabulary table first (one indexed statement); ranked by ``ts_rank``."""
    tsquery = _pg_tsquery(parsed.words)
    return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
        select={"rank": f"ts_rank({_TSV}, to_tsquery('simple', %s), 1)"},
        select_params=[tsquery],
        where=[_MATCH],
        params=[tsquery],
    )


# --- SQLite -------------------------------------------------------------------------------------


def _damerau(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _is_near(word: str, term: str) -> bool:
    """Whether vocabulary ``term`` may replace misspelt ``word`` (both vendors): words of 3+
    letters, Damerau-Levenshtein distance 1, 2 for words of 8+ letters."""
    limit = 2 if len(word) >= 8 else 1
    return len(word) >= 3 and _damerau(word, term, limit) <= limit


def _fts_expression(words: tuple[str, ...]) -> str | None:
    """The FTS5 MATCH expression, or ``None`` when a word matches nothing even with typos."""
    with connection.cursor() as cursor:
        probes = " UNION ALL ".join(
            f"SELECT %s, EXISTS(SELECT 1 FROM {VOCAB_TABLE} WHERE term >= %s AND term < %s)"  # noqa: S608
            for _ in words
        )
        params: list[str] = []
        for word in words:
            params += [word, word, word + "\uffff"]
        cursor.execute(probes, params)
        has_prefix = {word: bool(found) for word, found in cursor.fetchall()}
        missing = [word for word in words if not has_prefix[word]]
        candidates: dict[str, list[str]] = {word: [] for word in missing}
        if missing:
            low = min(len(w) for w in missing) - 2
            high = max(len(w) for w in missing) + 2
            cursor.execute(
                f"SELECT term FROM {VOCAB_TABLE} WHERE length(term) BETWEEN %s AND %s",  # noqa: S608
                [low, high],
            )
            for (term,) in cursor.fetchall():
                for word in missing:
                    if _is_near(word, term):
                        candidates[word].append(term)
    parts = []
    for word in words:
        if has_prefix[word]:
            parts.append(f'"{word}"*')
        elif candidates[word]:
            parts.append("(" + " OR ".join(f'"{term}"' for term in candidates[word]) + ")")
        else:
            return None
    return " AND ".join(parts)


def _sqlite(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    expression = _fts_expression(parsed.words)
    if expression is None:
        return queryset.annotate(rank=Value(0.0)).none()
    return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
        select={
            "rank": f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "  # noqa: S608 - constant names
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {_TABLE}.id)"
        },
        select_params=[expression],
        where=[f"{_TABLE}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"],  # noqa: S608
        params=[expression],
    )


def search_text(*, code: str, name: str, name_en: str, sector_name: str) -> str:
    """The folded text a procedure is found by."""
    return fold(f"{name} {code} {sector_name} {name_en}")
