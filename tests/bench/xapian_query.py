#!/usr/bin/python3
"""xapian_query.py -- the queries of tests/bench/query.lua against the Xapian
index that xapian_index.py built, in one process, for the query section of
tests/bench/RESULTS.md (bench_query.sh runs it).

    /usr/bin/python3 tests/bench/xapian_query.py DBDIR [RUNS]

For each query type (same names and order as query.lua) it times:
  count   the exact number of matching documents: get_mset(0, 0, doccount)
          with BoolWeight (no scoring), then get_matches_estimated(), which
          is exact when checkatleast is the document count -- checked against
          the lower and upper bounds;
  top 20  get_mset(0, 20) ranked by BM25 (Xapian's default), reading each
          hit's docid and weight.
Each time includes parsing the query string, as lede's and FTS5's do.
Median of RUNS runs (default 21) after one warm-up run, in milliseconds.
Prints one tab-separated line per query type:
    name  query  count_ms  top_ms  docs
"""
import statistics
import sys
import time

import xapian

# name, query in Xapian's syntax (query.lua has lede's and FTS5's forms).
QUERIES = [
    ("rare term", "vexqolium"),
    ("common term", "security"),
    ("phrase", '"security guarantees"'),
    ("phrase of stopwords", '"of the"'),
    ("NEAR/5", "security NEAR/5 guarantees"),
    ("prefix", "secur*"),
    ("AND/NOT", "security AND minister AND NOT talks"),
]

FLAGS = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN
         | xapian.QueryParser.FLAG_LOVEHATE | xapian.QueryParser.FLAG_WILDCARD)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: xapian_query.py DBDIR [RUNS]")
    db = xapian.Database(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    ndocs = db.get_doccount()
    qp = xapian.QueryParser()
    qp.set_database(db)                  # wildcards expand over its terms
    qp.set_default_op(xapian.Query.OP_AND)
    counter, ranker = xapian.Enquire(db), xapian.Enquire(db)
    counter.set_weighting_scheme(xapian.BoolWeight())

    def count(q):
        counter.set_query(qp.parse_query(q, FLAGS))
        m = counter.get_mset(0, 0, ndocs)
        n = m.get_matches_estimated()
        if not m.get_matches_lower_bound() == n == m.get_matches_upper_bound():
            sys.exit("xapian_query.py: the count of %s is not exact" % q)
        return n

    def top(q):
        ranker.set_query(qp.parse_query(q, FLAGS))
        return sum(1 for hit in ranker.get_mset(0, 20) if hit.docid and hit.weight >= 0)

    def timed(f, q):
        result = f(q)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            f(q)
            ts.append((time.perf_counter() - t) * 1000)
        return statistics.median_low(ts), result

    for name, q in QUERIES:
        c, n = timed(count, q)
        t, _ = timed(top, q)
        print("%s\t%s\t%.3f\t%.3f\t%d" % (name, q, c, t, n))


main()
