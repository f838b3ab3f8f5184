# test_badinput.sh -- every kind of bad input gets a message naming the file
# (and line), everything loadable is loaded, the exit status says whether
# anything failed, and bad corpus paths are refused without being changed.
. tests/cli/lib.sh
D=$TMP/in
mkdir -p "$D"

printf 'Good article one.\nIt has two lines.\n' > "$D/good.txt"
printf 'Caf\303\251 ok but \377 stray byte \200 here.\n' > "$D/invalid-utf8.txt"
printf '\223Smart quotes\224 from Word and caf\351.\n' > "$D/cp1252.txt"
printf '\377\376H\000i\000 \000U\000T\000F\000-\0001\0006\000\n\000' > "$D/utf16.txt"
printf 'ELF\000\001\002binary' > "$D/binary.txt"
: > "$D/empty.txt"
awk 'BEGIN { s = "word "; while (length(s) < 50000000) s = s s; print substr(s, 1, 50000000) }' > "$D/big-line.txt"
cat > "$D/broken.jsonl" <<'J'
{"id": "a1", "title": "First", "text": "First record text.", "date": "2021-12-07"}
{"id": "a2", "title": "Broken", "text": "no closing brace"
{"id": "a3", "title": "Third", "text": "Third record text.", "date": "8 Dec, 2021 11:53", "tags": ["x", "y"]}
{"id": "a4", "title": "No text here", "body_missing": true}
{"id": "a5", "title": "Fifth", "text": "Fifth record text.", "date": "sometime soon"}
J
printf 'id,title,text\r\n1,"Quoted, comma","Line one\r\nline two with ""quotes"""\r\n2,Ragged,"text",extra\r\n3,Plain,Plain text row.\r\n' > "$D/quoted.csv"
# A file that cannot be read: as root permissions do not stop reads, so
# read a file whose reads fail (the reader's own memory at offset 0).
if [ "$(id -u)" = 0 ]; then ln -s /proc/self/mem "$D/unreadable.txt"
else printf 'secret\n' > "$D/unreadable.txt"; chmod 000 "$D/unreadable.txt"; fi
ln -s loop "$D/loop"                   # a link to itself
mkdir -p "$D/sub"; ln -s .. "$D/sub/up"  # a folder link back up: a loop

cd "$TMP"
out=$("$LEDE" t.db add "$D/good.txt" "$D/invalid-utf8.txt" "$D/cp1252.txt" \
      "$D/utf16.txt" "$D/binary.txt" "$D/empty.txt" "$D/big-line.txt" \
      "$D/broken.jsonl" "$D/quoted.csv" "$D/unreadable.txt" "$D/missing.txt" 2>&1)
status=$?
is "$status" 1 "exit status 1 when something could not be loaded"
contains "$out" "$D/invalid-utf8.txt: warning: 2 invalid UTF-8 sequences replaced by U+FFFD" "invalid UTF-8 named and counted"
contains "$out" "$D/cp1252.txt: warning: not UTF-8: converted from Windows-1252" "Windows-1252 converted and reported"
contains "$out" "$D/utf16.txt: warning: not UTF-8: converted from UTF-16LE" "UTF-16 converted and reported"
contains "$out" "$D/binary.txt: binary data (NUL byte at offset 3); skipped" "binary file skipped with a message"
contains "$out" "$D/empty.txt: empty file; skipped" "empty file reported"
contains "$out" "$D/broken.jsonl:2: invalid JSON" "broken JSONL line named with its line"
contains "$out" "$D/broken.jsonl:4: no text field" "JSONL record without text named with its line"
contains "$out" "$D/broken.jsonl:5: warning: date not understood" "unparsed date kept and reported"
contains "$out" "$D/quoted.csv:4: ragged row: 4 fields where the header has 3" "ragged CSV row named with its line"
contains "$out" "$D/unreadable.txt: cannot read" "unreadable file reported"
contains "$out" "$D/missing.txt: No such file or directory" "missing path reported"
contains "$out" "added 10, duplicates 0, skipped 7" "summary counts what was loaded and skipped"

q() { "$LEDE" -q t.db -e "$1"; }
is "$(q 'print(db:count())')" 10 "everything loadable was loaded"
is "$(q 'for d in db:docs() do if d.uri:match("cp1252") then io.write(d.text) end end')" \
   "“Smart quotes” from Word and café." "Windows-1252 text converted"
is "$(q 'for d in db:docs() do if d.uri:match("utf16") then io.write(d.text) end end')" \
   "Hi UTF-16" "UTF-16 text converted"
is "$(q 'for d in db:docs() do if d.uri:match("invalid") then io.write(d.text) end end')" \
   "Café ok but � stray byte � here." "invalid bytes became U+FFFD, valid text kept"
is "$(q 'for d in db:docs() do if d.uri:match("big") then io.write(#d.text) end end')" \
   50000001 "a 50 MB single-line file loads whole"
is "$(q 'for d in db:docs() do if d.uri=="a3" then io.write(d.date, " ", d.date_raw, " ", d.meta.tags[2]) end end')" \
   "2021-12-08T11:53 8 Dec, 2021 11:53 y" "JSONL date parsed, raw kept, other fields in meta"
is "$(q 'for d in db:docs() do if d.uri=="a5" then io.write(tostring(d.date), " ", d.date_raw) end end')" \
   "nil sometime soon" "an unparsed date is kept raw"
is "$(q 'for d in db:docs() do if d.title=="Quoted, comma" then io.write(d.text) end end')" \
   'Line one
line two with "quotes"' "CSV quoted comma, newline and doubled quotes"

out=$("$LEDE" t.db add "$D" 2>&1)
contains "$out" "$D/loop: " "a symbolic link to itself is reported"
contains "$out" "$D/sub/up: warning: symbolic link loop; not followed" "a folder link loop is not followed"
contains "$out" "added 0, duplicates 10," "loading the folder again finds the duplicates"

# Corpus paths that are not corpora: refused, and the file is unchanged.
mkdir adir
out=$("$LEDE" adir -e 'print(1)' 2>&1); status=$?
is "$status" 1 "a directory as DB fails with status 1"
contains "$out" "adir: is a directory, not a lede corpus" "a directory as DB is named"
printf 'just some text, not a database\n' > notdb.txt
sum1=$(cksum < notdb.txt)
out=$("$LEDE" notdb.txt -e 'print(1)' 2>&1)
contains "$out" "notdb.txt: not a lede corpus (not an SQLite database)" "a text file as DB is refused"
is "$(cksum < notdb.txt)" "$sum1" "the refused file is unchanged"
"$LEDE" -q :memory: -e 'db:sql("attach ? as o", "plain.db") db:sql("create table o.mine(a, b)") db:sql("insert into o.mine values(1, 2)")'
sum1=$(cksum < plain.db)
out=$("$LEDE" plain.db -e 'print(1)' 2>&1)
contains "$out" "plain.db: not a lede corpus (an SQLite database without lede's tables)" "an SQLite file of another program is refused"
is "$(cksum < plain.db)" "$sum1" "that SQLite file is unchanged"
cp t.db corrupt.db
dd if=/dev/urandom of=corrupt.db bs=1024 seek=1 count=16 conv=notrunc 2>/dev/null
sum1=$(cksum < corrupt.db)
out=$("$LEDE" corrupt.db -e 'print(db:count())' 2>&1); status=$?
ok $([ "$status" -ne 0 ] && echo 0 || echo 1) "a corrupt corpus fails"
contains "$out" "corrupt.db:" "the corrupt corpus is named"
is "$(cksum < corrupt.db)" "$sum1" "the corrupt file is unchanged"
"$LEDE" -q :memory: -e 'db:sql("attach ? as n", "newer.db") db:sql("create table n.lede_info(key, value)") db:sql("insert into n.lede_info values(?, ?)", "format", "lede") db:sql("pragma n.user_version = 99")'
out=$("$LEDE" newer.db -e 'print(1)' 2>&1)
contains "$out" "newer.db: written by a newer lede (schema 99; this lede reads up to 1)" "a newer schema is refused"

done_testing
