"""The result lists a search pages through, reading only the rows of the page shown.

Relevance order: the ranked head first, the matches whose title holds every query word,
the query covering the title most completely first (of two such titles the shorter), then
the newer; the head is ranked over *all* such matches, however many newer documents only
mention the words in their bodies. After the head every other match follows, newest
first, so paging reaches every match.

Finding the head cheaply takes one of three plans, chosen from how many title matches the
newest matches suggest:
- none or hardly any: whatever titles match are few, and PostgreSQL collects them from
  the title index and sorts them;
- some (a word in a few per cent of titles, thousands of them at 100,000 documents): the
  head is read title length by title length, shortest first, each length's matches from
  the (title length, title) index, until it is full; collecting all of them would visit
  thousands of table pages (25–45 ms), this visits the few hundred of the shortest
  lengths (1–5 ms);
- many (a common word): it walks the (title length, publish time) index until it has the
  head, testing each title, which ends after a few rows.
Left to itself the planner misjudges these counts (the bigrams of one word always occur
together), so each query is written to leave it only the plan chosen here.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL

from portal.models import Organization, SearchEntry
from portal.publication import per_vocabulary

RANKED_HEAD = 100  # five pages of title matches in coverage order
# Walking the ordered index pays when matching titles are dense at every title length
# (measured at 100,000 documents: a word in 6 % of titles takes 3 to 60 ms to walk to,
# depending on where its titles fall, and about 10 ms from the title index; at 50 % the
# walk takes under 1 ms, the title index 70 ms). At 25 % (地名) the shortest titles may
# still hold none: the walk read 16,000 of them (17–20 ms), the lengths 6.5 ms.
WALK_ABOVE_SHARE = 0.35
# Below this share the title matches are few (a document number's one title among
# thousands of entries sharing its bigrams): collecting them beats probing every length.
BY_LENGTH_ABOVE_SHARE = 0.01
SHOWN = ["id", "kind", "object_id", "title", "url", "published_at", "organization_id",
         "document_number"]  # fmt: skip


def _with_organizations(entries: list[SearchEntry]) -> list[SearchEntry]:
    """The organizations from the cached vocabulary, not a join per search."""
    organizations = per_vocabulary("organizations", lambda: list(Organization.objects.all()))
    by_pk = {organization.pk: organization for organization in organizations}
    for entry in entries:
        entry.organization = by_pk[entry.organization_id]
    return entries


def load_entries(ids: list[int], text_query) -> list[SearchEntry]:
    """The entries of ``ids``, in that order, with ``title_hit``."""
    title_hit = ExpressionWrapper(Q(title_vector=text_query), output_field=BooleanField())
    rows = SearchEntry.objects.filter(pk__in=ids).only(*SHOWN).annotate(title_hit=title_hit)
    by_pk = rows.in_bulk()
    return _with_organizations([by_pk[pk] for pk in ids if pk in by_pk])


class NewestResults:
    """Every match, newest first. ``every_match``: when the search already holds all of
    them (newest first, with ``pk``, ``title_hit`` and ``title_length``), the lists are
    cut from it instead of asking again (a rare word's few matches are found fastest by
    the text index, never by walking the whole table in date order)."""

    def __init__(self, scope, text_query, *, total: int, every_match=None, newest=(), **kwargs):
        self.matches = scope.filter(vector=text_query)
        self.text_query, self.total, self.every_match = text_query, total, every_match
        self.newest = newest  # the newest matches the search read anyway (rows with "pk")

    def __len__(self):
        return self.total

    def __getitem__(self, window: slice):
        if self.every_match is not None:
            return load_entries([row["pk"] for row in self.every_match[window]], self.text_query)
        ordered = self.matches.order_by("-published_at", "-pk").values_list("pk", flat=True)
        return load_entries(list(ordered[window]), self.text_query)


class RankedResults(NewestResults):
    """The ranked head of title matches, then every other match newest first. ``scope``:
    the entries the search may show (public, filtered), before the text condition."""

    def __init__(
        self, scope, text_query, *, total: int, every_match=None, newest=(), title_share=0.0
    ):
        super().__init__(scope, text_query, total=total, every_match=every_match, newest=newest)
        if every_match is not None:
            self._order_held(every_match)
            return
        if title_share > WALK_ABOVE_SHARE:
            self.head = self._head(scope, text_query, walk=True)
        elif title_share > BY_LENGTH_ABOVE_SHARE:
            self.head = self._head_by_length(scope, text_query)
        else:
            self.head = self._head(scope, text_query, walk=False)
        for entry in self.head:
            entry.title_hit = True
        self.total = max(total, len(self.head))

    def _order_held(self, rows):
        titled = sorted(
            (row for row in rows if row["title_hit"]),
            key=lambda row: (row["title_length"], -row["published_at"].timestamp(), -row["pk"]),
        )
        head = titled[:RANKED_HEAD]
        in_head = {row["pk"] for row in head}
        self.every_match = head + [row for row in rows if row["pk"] not in in_head]

    @staticmethod
    def _head(scope, text_query, *, walk: bool) -> list[SearchEntry]:
        # A title match is also a match of the whole text: no need to test the (large,
        # stored apart) full vector of every title match.
        if walk:  # a test the title index cannot answer: the ordered index is walked
            is_title = ExpressionWrapper(Q(title_vector=text_query), output_field=BooleanField())
            hits = scope.alias(is_title=is_title).filter(is_title=True)
            order = ["title_length", "-published_at", "-pk"]
        else:  # an order the ordered index cannot give: the title index is used
            hits = scope.filter(title_vector=text_query)
            order = [F("title_length") + 0, "-published_at", "-pk"]
        return _with_organizations(list(hits.only(*SHOWN).order_by(*order)[:RANKED_HEAD]))

    @staticmethod
    def _head_by_length(scope, text_query) -> list[SearchEntry]:
        table = SearchEntry._meta.db_table
        # Newest first by an expression the (length, date) index cannot give: each length's
        # matches come from the (length, title) text index, so a length without any costs
        # one probe, where walking the ordered index read every title of that length.
        shifted = ExpressionWrapper(F("published_at") + timedelta(0), output_field=DateTimeField())
        one_length = (
            scope.filter(title_vector=text_query, title_length=RawSQL("lengths.length", ()))
            .order_by(shifted.desc(), "-pk")
            .values_list("pk", "title_length", "published_at")[:RANKED_HEAD]
        )
        sql, params = one_length.query.sql_with_params()
        # The title lengths present, shortest first, one index probe each (a loose index
        # scan), and for each the newest title matches of that length. Without an ORDER BY
        # the rows come as the lengths do, so the LIMIT stops at the first lengths that
        # fill the head; a sort would make every length be read first.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH RECURSIVE lengths(length) AS (
                    (SELECT title_length FROM {table} ORDER BY title_length LIMIT 1)
                    UNION ALL
                    SELECT (SELECT e.title_length FROM {table} e WHERE e.title_length > lengths.length
                            ORDER BY e.title_length LIMIT 1)
                    FROM lengths WHERE lengths.length IS NOT NULL
                )
                SELECT head.* FROM lengths CROSS JOIN LATERAL ({sql}) head LIMIT {RANKED_HEAD}""",
                params,
            )
            rows = cursor.fetchall()
        rows.sort(key=lambda row: (row[1], -row[2].timestamp(), -row[0]))
        return load_entries([row[0] for row in rows], text_query)

    def __getitem__(self, window: slice):
        if self.every_match is not None:
            return super().__getitem__(window)
        start, stop = window.start or 0, window.stop
        page = self.head[start:stop]
        wanted = stop - start - len(page)
        if wanted > 0 and self.total > len(self.head):  # else every match is in the head
            skip = max(0, start - len(self.head))
            in_head = {entry.pk for entry in self.head}
            held = [row["pk"] for row in self.newest if row["pk"] not in in_head]
            if skip + wanted <= len(held):  # the newest matches are at hand already
                rest = held[skip : skip + wanted]
            else:
                rest = list(
                    self.matches.exclude(pk__in=in_head)
                    .order_by("-published_at", "-pk")
                    .values_list("pk", flat=True)[skip : skip + wanted]
                )
            page += load_entries(rest, self.text_query)
        return page
