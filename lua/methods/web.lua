-- web.lua: web input in the lede module: lede.boilerplate (the line
-- classifier the loader runs on scraped text), lede.html (a page's
-- article and metadata) and lede.repair (mojibake and entities).
return function(lede, Corpus)
  local core = lede.core
  local help = require "lede.help"
  -- lede.boilerplate loads on first use: compiling its rules takes longer
  -- than the rest of start-up, and only loading and scripts that name it
  -- need it (the load filter in lua/lweb.c requires it itself).
  local mt = getmetatable(lede) or {}
  local old = mt.__index
  mt.__index = function(t, k)
    if k == "boilerplate" then
      local b = require "lede.boilerplate"
      rawset(t, "boilerplate", b)
      return b
    end
    if type(old) == "function" then return old(t, k) end
    if type(old) == "table" then return old[k] end
  end
  setmetatable(lede, mt)

  function lede.html(s)
    if type(s) ~= "string" then
      error("bad argument #1 to 'html' (string expected, got " .. type(s) .. ")", 2)
    end
    return core.html(s)
  end

  function lede.repair(s)
    if type(s) ~= "string" then
      error("bad argument #1 to 'repair' (string expected, got " .. type(s) .. ")", 2)
    end
    return core.repair(s)
  end

  help.add("lede.boilerplate", { usage = "lede.boilerplate.clean(text)",
    summary = "the line classifier that takes web boilerplate out of loaded text",
    text = "db:add runs it on every text file, web page and WARC record (unless\n" ..
      "boilerplate = false).  Each rule is an LPeg pattern matched against a\n" ..
      "whole trimmed line (or its start, for prefix rules): icon lists, \"Source\n" ..
      "link\", \"Follow:\", share prompts, podcast players and timers (\"0:00\"),\n" ..
      "tracker hosts, image credits, \"Published ...\" and \"Updated ...\" lines,\n" ..
      "bylines, promos, cookie notices, dateline-only lines.  A headline repeated\n" ..
      "on the next line and a short label between two removed lines go too.\n" ..
      "Removed lines are kept in the document's meta.boilerplate; a date they\n" ..
      "state becomes the document's date when it has none, an author goes to\n" ..
      "meta.author.",
    options = {
      { "clean(text)", "-> text, {removed = {{line, rule}}, date, author, meta}" },
      { "check(line)", "-> rule name and {date =, author =} when the line is boilerplate" },
      { "add(name, pattern [, opts])", "a new rule, tried first; pattern is LPeg or an re string;\n" ..
        "opts: meta = \"date\"|\"author\"|function(captures) -> table, max = bytes,\n" ..
        "prefix = true (cut the match, keep the rest), before = rule name,\n" ..
        "prose = true (also try it on long lines that end a sentence)" },
      { "remove(name)", "drop a rule (rules lists them; reset() restores the defaults)" },
      { "I, P, S, R, C, rest, sp, name, words", "pattern helpers: I\"x\" is case-insensitive,\n" ..
        "sp a space or NBSP, name a run of capitalised names, words\"a|b\" any of them" },
    },
    example = 'local bp = lede.boilerplate\n' ..
      'bp.add("promo", bp.I"promo code" * bp.rest)\n' ..
      'bp.add("editor", bp.I"Edited by " * bp.C(bp.name), {meta = "author"})\n' ..
      'bp.clean("Story text.\\nSource link")  --> "Story text.", {removed = ...}' })

  help.add("lede.html", { usage = "lede.html(page)",
    summary = "the article text and metadata of an HTML page (as db:add reads .html)",
    returns = "{text (paragraphs separated by a blank line), title, site, date, modified,\n" ..
      "url, author, publisher, description, section, lang, type, blocks, kept}",
    example = 'local a = lede.html(io.open("page.html"):read("a"))\nprint(a.title, a.date)' })

  help.add("lede.repair", { usage = "lede.repair(text)",
    summary = "text with mojibake repaired (\"â€™\" -> \"’\") and HTML entities decoded",
    returns = "the text, the number of mojibake repairs, the number of entities decoded",
    example = 'lede.repair("Caf\\195\\131\\194\\169 &amp; bar")  --> "Café & bar", 1, 1' })
end
