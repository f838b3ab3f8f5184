#!/usr/bin/python3
"""xapian_index.py -- index the bench corpus with Xapian, for the load
section of tests/bench/RESULTS.md (run.sh times it under rss).

    /usr/bin/python3 tests/bench/xapian_index.py CORPUS.jsonl DBDIR [BATCH]

Indexes the "text" field of every JSONL line -- the texts lede stores in
doc_text and FTS5 indexes -- into a new on-disk WritableDatabase, with
positions (TermGenerator.index_text), no stemming and no stopwords, as
FTS5's unicode61 table does; a document's id is its line number (the gen
ids, 1..N).  Commits every BATCH documents (default 10000, Xapian's own
autoflush) and once at the end.  Stores no text: Xapian is here an index
beside the texts, like FTS5's external-content table.  Prints the number of
documents and the database's size in bytes.
"""
import json
import os
import sys

import xapian


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: xapian_index.py CORPUS.jsonl DBDIR [BATCH]")
    path, dbdir = sys.argv[1], sys.argv[2]
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE)
    tg = xapian.TermGenerator()
    n = 0
    with open(path, "rb") as f:
        for line in f:
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(json.loads(line)["text"])
            db.add_document(doc)
            n += 1
            if n % batch == 0:
                db.commit()
    db.commit()
    db.close()
    size = sum(os.path.getsize(os.path.join(dbdir, e)) for e in os.listdir(dbdir))
    print(n, size)


main()
