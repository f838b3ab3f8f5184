-- test_query_errors.lua: what a user sees when a query is wrong or too
-- wide, through db:search and db:count.
local T = dofile("tests/lua/tap.lua")
db:add("tests/corpus/sample/", { quiet = true })

local hits, msg = db:search("dam AND")
T.is(hits, nil, "a syntax error returns nil")
T.is(msg, "expected a term, phrase or '(' after AND at column 8\n  dam AND\n         ^",
     "the message names what was expected and points at the column")

hits, msg = db:search('"Зеленский OR')
T.is(msg, "expected '\"' to close the phrase at column 1\n  \"Зеленский OR\n  ^", "an open quote points at itself, columns in characters")

hits, msg = db:search("Зеленский AND")
T.is(msg, "expected a term, phrase or '(' after AND at column 14\n  Зеленский AND\n               ^",
     "the caret lines up under Cyrillic text")

hits, msg = db:search("dam NEAR/x river")
T.ok(msg and msg:find("NEAR/x"), "a bad distance is named: " .. tostring(msg))

local n = 0
for _ in pairs(db:terms{ prefix = "s" }) do n = n + 1 end
hits, msg = db:search("s*", { max_expansion = 10 })
T.is(hits, nil, "a prefix wider than the limit is refused")
T.ok(msg and msg:find("the prefix 's%*' matches %d+ terms, more than the limit of 10; " ..
     "make it narrower, or raise the limit %(opts.max_expansion%)"), "the message says how many and what to do: " .. tostring(msg))
T.ok(db:search("s*", { max_expansion = 100000 }), "raising the limit lets it through")

hits, msg = db:search("/^[a-z]/", { max_expansion = 10 })
T.ok(msg and msg:find("the pattern /%^%[a%-z%]/ matches %d+ terms, more than the limit of 10"), "regexes have the same limit")
hits, msg = db:search("/(/")
T.ok(msg and msg:find("^bad regular expression /%(/"), "a broken regex says so: " .. tostring(msg))

local c, cmsg = db:count("dam AND")
T.is(c, nil, "db:count returns nil for a bad query")
T.ok(cmsg and cmsg:find("after AND at column 8"), "... with the same message")
T.raises(function() db:search(42) end, "query string expected", "misuse raises")
T.done()
