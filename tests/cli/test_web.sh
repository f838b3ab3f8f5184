# test_web.sh -- `lede DB add` on web pages, WARC files and scraped text:
# the article loads, boilerplate goes unless --no-boilerplate, problems
# name the file (and WARC record), the summary counts what was done.
. tests/cli/lib.sh
ROOT=$(pwd)
F=$ROOT/tests/fixtures
cd "$TMP"

out=$("$LEDE" w.db add "$F/html" "$F/text" 2>&1)
is "$?" 0 "pages and scraped text load with exit status 0"
contains "$out" "added 9, duplicates 0, skipped 0" "every page and text file is a document"
contains "$out" "old-cms-cp1251.html: warning: not UTF-8: converted from windows-1251" "a converted page is reported"
contains "$out" "mojibake.txt: warning: mojibake repaired" "mojibake repair is reported with the file"
contains "$out" "boilerplate lines removed" "the summary counts boilerplate lines"
is "$("$LEDE" -q w.db -e 'for d in db:docs() do if d.uri:match("portal%-style") then print(d.title) end end')" \
   "Coastal city opens its first desalination plant, says mayor" "a scraped text's title is its headline"
is "$("$LEDE" -q w.db search '"Google News"' | head -1)" "0 documents match" "share and follow widgets are not searchable"

"$LEDE" -q k.db add "$F/text/portal-style.txt" --no-boilerplate --no-repair
is "$("$LEDE" -q k.db -e 'print(db:doc(1).title)')" "sb.scorecardresearch" "--no-boilerplate keeps every line"

# a WARC file cut inside its second record
printf 'WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a.example/one\r\nWARC-Date: 2024-05-01T08:00:00Z\r\nContent-Type: text/html\r\nContent-Length: 120\r\n\r\n<html><body><p>The market square reopens on Saturday after two years of building work, the town said.</p></body></html>\r\n\r\nWARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n<html><body><p>cut' > cut.warc
out=$("$LEDE" c.db add cut.warc 2>&1)
is "$?" 1 "a cut WARC file exits 1"
contains "$out" "cut.warc: record 2 (at byte" "the problem names the file and the record"
contains "$out" "added 1, duplicates 0, skipped 1" "the record before the cut is loaded"
done_testing
