/* papershelf: progressive enhancements; every page works without this file.
   Paper pages get Copy buttons on their BibTeX and references. The index page gets the filters described in
   README.md ("The index page"): pure functions first, then the DOM wiring. */
(function () {
  "use strict";

  // ================================================================ pure functions
  var SORTS = ["best", "newest", "oldest", "title"]; // best: while there is a query
  var MAX_QUERY = 200; // characters; a longer q in the URL is ignored
  var MAX_VALUE = 500; // no facet value of ours is longer
  var MAX_PARAMS = 100;
  var EAGER = 1500; // items restyled at once; beyond that, those near the viewport first
  var CHUNK = 250; // items restyled per batch in idle time after that
  // Hits drawn at first in each best-match group, and how many more a click on its button
  // adds: drawing thousands of ranked hits took the browser seconds a keystroke at 10,000.
  var BEST_FIRST = 100, BEST_MORE = 400;
  var SHOWN = 8; // facet values listed before "Show more"
  var EXPANDED = 100; // after "Show more"; the type-ahead finds the rest
  var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  // Letters Unicode does not decompose into base letter + accent (index.py has the same table).
  var FOLD_LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ı": "i", "ħ": "h", "ς": "σ" };
  var FOLD_RE = /[ßæœøłđðþıħς]/g;
  var MARKS = /\p{M}+/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  // Where Python's str.split() splits; JavaScript's \s differs (it has U+FEFF, lacks
  // U+001C-U+001F and U+0085).
  var SPACES = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

  /** Text as the filter compares it: no accents, lower case ("Müller" -> "muller"). */
  function fold(text) {
    text = String(text);
    if (ASCII.test(text)) return text.toLowerCase();
    return text.normalize("NFKD").replace(MARKS, "").toLowerCase()
      .replace(FOLD_RE, function (c) { return FOLD_LETTERS[c]; });
  }

  /** The distinct folded words of a query; a paper must match every one. */
  function queryWords(q) {
    var seen = [];
    fold(q).split(SPACES).forEach(function (w) { if (w && seen.indexOf(w) < 0) seen.push(w); });
    return seen;
  }

  /** The interface's text `key` from `strings` (index-data.json's table), with `{name}`
      filled in from `values`; a text with plural forms takes "one" when `values.n` is 1. */
  function say(strings, key, values) {
    var text = strings[key], n = values && values.n;
    if (text && typeof text === "object") text = (n === 1 && text.one) || text.other;
    return String(text === undefined ? key : text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function emptyState() { return { q: "", sort: "newest", selected: {} }; }

  /** `?a=1&b=2` -> [[name, value]]; a pair that is not valid percent-encoding is dropped. */
  function parseQuery(search) {
    var pairs = [], dirty = false;
    var parts = String(search || "").replace(/^\?/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) { dirty = dirty || parts.length > 1; continue; }
      if (pairs.length >= MAX_PARAMS) { dirty = true; break; }
      var eq = parts[i].indexOf("=");
      try {
        pairs.push([decode(eq < 0 ? parts[i] : parts[i].slice(0, eq)),
          decode(eq < 0 ? "" : parts[i].slice(eq + 1))]);
      } catch (error) {
        dirty = true;
      }
    }
    return { pairs: pairs, dirty: dirty };
  }

  function decode(text) { return decodeURIComponent(text.replace(/\+/g, " ")); }

  function encode(text) {
    try {
      return encodeURIComponent(text);
    } catch (error) { // a lone surrogate
      return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, "\uFFFD"));
    }
  }

  /** The order a view has unless its address names one: best match while there is a query. */
  function defaultSort(state) { return state.q ? "best" : "newest"; }

  /** The view a query string asks for. `resolve(name, value)` gives the canonical spelling
      of a facet value, or null if there is no such facet or value. `dirty` says that
      something was dropped or respelled, so the URL should be cleaned. */
  function readState(search, resolve) {
    var parsed = parseQuery(search), state = emptyState(), dirty = parsed.dirty;
    var seen = {};
    state.sort = "";
    parsed.pairs.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (name === "q" || name === "sort") {
        var ok = !seen[name] && (name === "q"
          ? value.trim() !== "" && value.length <= MAX_QUERY : SORTS.indexOf(value) >= 0);
        if (ok) state[name] = value; else dirty = true;
        seen[name] = true;
        return;
      }
      var canonical = value.length <= MAX_VALUE ? resolve(name, value) : null;
      if (canonical == null) { dirty = true; return; }
      var list = state.selected[name] || (state.selected[name] = []);
      if (canonical !== value || list.indexOf(canonical) >= 0) dirty = true;
      if (list.indexOf(canonical) < 0) list.push(canonical);
    });
    // `sort` is written only when it is not the default; "best" needs a query.
    if (state.sort === defaultSort(state) || (state.sort === "best" && !state.q)) dirty = true;
    if (!state.sort || (state.sort === "best" && !state.q)) state.sort = defaultSort(state);
    return { state: state, dirty: dirty };
  }

  /** The query string of a view: q, then each facet in `names` order, then sort. */
  function serializeState(state, names) {
    var parts = [];
    if (state.q) parts.push("q=" + encode(state.q));
    names.forEach(function (name) {
      (state.selected[name] || []).forEach(function (v) { parts.push(encode(name) + "=" + encode(v)); });
    });
    if (state.sort && state.sort !== defaultSort(state)) parts.push("sort=" + encode(state.sort));
    return parts.length ? "?" + parts.join("&") : "";
  }

  /** index-data.json -> facets as compressed rows (paper i has ids[start[i]..start[i+1]]). */
  function buildModel(data, count) {
    if (!data || data.version !== 1 || data.count !== count || !Array.isArray(data.facets)) {
      throw new Error("index data does not match the list (" + count + " papers)");
    }
    var facets = data.facets.map(function (f) {
      var n = f.values.length, start = new Int32Array(count + 1), rows = f.single || f.multi;
      if (!Array.isArray(rows) || rows.length !== count) throw new Error("bad facet " + f.name);
      var size = 0, i, j, v, k = 0;
      for (i = 0; i < count; i++) size += f.single ? 1 : rows[i].length;
      var ids = new Int32Array(size);
      for (i = 0; i < count; i++) {
        var row = f.single ? (rows[i] < 0 ? [] : [rows[i]]) : rows[i];
        for (j = 0; j < row.length; j++) {
          v = row[j];
          if (!(v >= 0 && v < n)) throw new Error("bad value in facet " + f.name);
          ids[k++] = v;
        }
        start[i + 1] = k;
      }
      ids = ids.subarray(0, k);
      var total = new Int32Array(n), populated = 0;
      for (k = 0; k < ids.length; k++) if (total[ids[k]]++ === 0) populated++;
      // populated: how many values some paper has (a fixed set also lists absent ones).
      return { name: String(f.name), label: String(f.label), order: f.order, values: f.values,
        labels: f.labels || f.values, text: !!f.text, start: start, ids: ids, total: total,
        populated: populated, folded: null, lookup: null };
    });
    var etal = new Uint8Array(count);
    (data.etal || []).forEach(function (i) { etal[i] = 1; });
    return { count: count, facets: facets, etal: etal, fulltext: data.fulltext, list: data.list,
      bibtex: data.bibtex };
  }

  function foldedLabels(facet) {
    return facet.folded || (facet.folded = facet.labels.map(fold));
  }

  function valueId(facet, value) {
    if (!facet.lookup) {
      facet.lookup = new Map();
      facet.values.forEach(function (v, id) { facet.lookup.set(v, id); });
      facet.values.forEach(function (v, id) {
        var lower = v.toLowerCase();
        if (!facet.lookup.has(lower)) facet.lookup.set(lower, id);
      });
    }
    var id = facet.lookup.get(value);
    if (id === undefined) id = facet.lookup.get(String(value).toLowerCase());
    return id === undefined ? -1 : id;
  }

  /** The canonical facet value for a URL value: exact, else ignoring case. */
  function facetValue(facet, value) {
    var id = valueId(facet, value);
    return id < 0 ? null : facet.values[id];
  }

  // ---------------------------------------------------------------- full-text search
  // The index of abstracts and notes (fulltext.py writes it; its docstring says how it is
  // made). These rules are fulltext.py's: tests/test_fulltext_script.py holds them together.
  var CJK = "\u3005-\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff" +
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\\u{20000}-\\u{3134f}";
  var LETTER = "(?:(?![" + CJK + "])[\\p{L}\\p{N}])"; // a letter or digit outside CJK
  var RUNS = new RegExp("([" + CJK + "]+)|(" + LETTER + "+(?:[\\-.]" + LETTER + "+)*)", "gu");
  var IS_LETTER = new RegExp("^" + LETTER + "$", "u");
  var MIN_PREFIX = 3; // a shorter Latin word matches exactly, not by prefix
  var MAX_PAIRS = 8; // a Chinese run looks up at most this many of its character pairs
  var MAX_TOKEN = 40; // characters of a token: longer words are indexed in pieces
  var NONE = 255; // no match, in a tier table
  var SEARCHED_WORDS = 12; // words looked up in the full-text index; any more: other fields only
  var OWN_CHUNK = /^[0-9a-f]{12}$/, OWN_SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

  /** The runs of a folded query word: Chinese/Japanese runs and (compound) words. */
  function segments(word) {
    var out = [], m;
    RUNS.lastIndex = 0;
    while ((m = RUNS.exec(word))) out.push({ cjk: !!m[1], text: m[0] });
    return out;
  }

  /** What a folded query word asks of the index: [{token, prefix}]; a paper matches when it
      has every one. (fulltext.query_lookups is the twin.) */
  function lookups(word) {
    var out = [], seen = {};
    var add = function (token, prefix) {
      var id = (prefix ? "*" : "=") + token;
      if (!seen[id]) { seen[id] = true; out.push({ token: token, prefix: prefix }); }
    };
    segments(word).forEach(function (seg) {
      var t = seg.text, chars = Array.from(t);
      if (!seg.cjk && /[\-.]/.test(t)) add(chars.slice(0, MAX_TOKEN).join(""), true);
      else if (!seg.cjk) { // in the index's pieces; a piece after the first goes on in the text
        for (var k = 0; k < chars.length; k += MAX_TOKEN) {
          add(chars.slice(k, k + MAX_TOKEN).join(""), k > 0 || chars.length >= MIN_PREFIX);
        }
      } else if (chars.length === 1) add(t, false);
      else spread(chars.length - 1, MAX_PAIRS).forEach(function (i) { add(chars[i] + chars[i + 1], false); });
    });
    return out;
  }

  /** `count` positions, or `limit` of them spread evenly from the first to the last. */
  function spread(count, limit) {
    var out = [];
    if (count <= limit) for (var i = 0; i < count; i++) out.push(i);
    else for (var k = 0; k < limit; k++) out.push(Math.round(k * (count - 1) / (limit - 1)));
    return out;
  }

  /** The manifest (index-fulltext.json), checked: chunk files by their first token. */
  function readManifest(data, count, list) {
    if (!data || data.version !== 1 || data.count !== count || data.list !== list ||
        !Array.isArray(data.chunks) || !OWN_CHUNK.test(String(data.texts))) {
      throw new Error("the full-text index does not match the list");
    }
    var firsts = [], files = [];
    data.chunks.forEach(function (c, k) {
      if (!Array.isArray(c) || typeof c[0] !== "string" || !OWN_CHUNK.test(c[1]) ||
          (k && !(firsts[k - 1] < c[0]))) throw new Error("bad full-text manifest");
      firsts.push(c[0]);
      files.push(c[1]);
    });
    return { count: count, firsts: firsts, files: files, texts: data.texts };
  }

  /** The chunks (by number) that hold the tokens a lookup asks for. */
  function chunkRange(manifest, lookup) {
    var last = function (token) { // the last chunk whose first token is <= token
      var lo = 0, hi = manifest.firsts.length - 1;
      while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (manifest.firsts[mid] <= token) lo = mid; else hi = mid - 1; }
      return lo;
    };
    var out = [];
    if (!manifest.firsts.length) return out;
    for (var c = last(lookup.token), end = lookup.prefix ? last(lookup.token + "\uffff") : c; c <= end; c++) out.push(c);
    return out;
  }

  /** A chunk file's text -> its sorted tokens and their posting lists (still encoded). */
  function parseChunk(text) {
    var tokens = [], abstract = [], note = [];
    String(text).split("\n").forEach(function (line) {
      var parts = line.split("\t");
      if (parts.length !== 3 || !parts[0]) return;
      tokens.push(parts[0]);
      abstract.push(parts[1]);
      note.push(parts[2]);
    });
    return { tokens: tokens, abstract: abstract, note: note };
  }

  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < ALPHABET.length; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  /** Calls `visit(i)` for each paper of a posting list (gap-encoded, or `!` + a bitmap). */
  function eachPosting(list, count, visit) {
    if (list.charAt(0) === "!") {
      var bytes = atob(list.slice(1));
      for (var b = 0; b < bytes.length; b++) {
        var byte = bytes.charCodeAt(b);
        for (var k = 0; byte && k < 8; k++, byte >>= 1) if (byte & 1 && b * 8 + k < count) visit(b * 8 + k);
      }
      return;
    }
    var value = 0, previous = -1;
    for (var i = 0; i < list.length; i++) {
      var x = DIGIT[list.charCodeAt(i)];
      if (x < 0) throw new Error("bad posting list");
      if (x >= 32) { value = value * 32 + x - 32; continue; }
      previous += value * 32 + x + 1;
      value = 0;
      if (previous >= count) throw new Error("bad posting list");
      visit(previous);
    }
  }

  /** Where each paper has what a lookup asks for: 1 in its abstract, 2 only in its note,
      0 nowhere. `chunks`: the parsed chunks of `chunkRange`. */
  function lookupLevels(lookup, chunks, count) {
    var level = new Uint8Array(count), token = lookup.token;
    var inAbstract = function (i) { level[i] = 1; };
    var inNote = function (i) { if (!level[i]) level[i] = 2; };
    chunks.forEach(function (chunk) {
      var t = chunk.tokens, lo = 0, hi = t.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (t[mid] < token) lo = mid + 1; else hi = mid; }
      for (var k = lo; k < t.length && (lookup.prefix ? t[k].lastIndexOf(token, 0) === 0 : t[k] === token); k++) {
        eachPosting(chunk.abstract[k], count, inAbstract);
        eachPosting(chunk.note[k], count, inNote);
      }
    });
    return level;
  }

  /** A word's levels from its lookups' (all must match; the weakest place counts). */
  function combineLevels(levels, count) {
    var out = new Uint8Array(count);
    for (var i = 0; i < count; i++) {
      var worst = 0;
      for (var j = 0; j < levels.length; j++) {
        var v = levels[j][i];
        if (!v) { worst = 0; break; }
        if (v > worst) worst = v;
      }
      out[i] = levels.length ? worst : 0;
    }
    return out;
  }

  /** Which papers match every query word, and how well: per paper its tier, 0 when every word
      is in its title, 1 when each is in the title, the other fields (`hay`) or the abstract,
      2 when a note is needed, NONE when some word is nowhere; and `inText`, whether some word
      was found in the abstract or note only (so a snippet can show where). `titleEnd[i]`:
      where the title ends in `hay[i]`. `levels[j]`: word j's full-text levels, or null (not
      loaded: the word is looked for in `hay` only). Null when there is no query. */
  function matchText(hay, titleEnd, words, levels) {
    if (!words.length) return null;
    var n = hay.length, tier = new Uint8Array(n), mask = new Uint8Array(n), inText = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      var worst = 0, text = hay[i];
      for (var j = 0; j < words.length && worst !== NONE; j++) {
        var at = text.indexOf(words[j]), place = NONE;
        if (at >= 0) place = at < titleEnd[i] ? 0 : 1;
        else if (levels[j] && levels[j][i]) { place = levels[j][i]; inText[i] = 1; }
        if (place > worst) worst = place;
      }
      tier[i] = worst;
      mask[i] = worst === NONE ? 0 : 1;
      if (!mask[i]) inText[i] = 0;
    }
    return { mask: mask, tier: tier, inText: inText };
  }

  /** Where the first query segment occurs in a text, as [before, match, after] (null when
      none does): Chinese anywhere, a word at the start of a word, as the index finds them. */
  function snippet(text, words, width) {
    width = width || 90; // columns of text shown around the match (a Chinese character: 2)
    var folded = foldMap(text), best = -1, length = 0;
    words.forEach(function (word) {
      segments(word).forEach(function (seg) {
        var at = folded.text.indexOf(seg.text);
        while (at > 0 && !seg.cjk && IS_LETTER.test(folded.text.charAt(at - 1))) at = folded.text.indexOf(seg.text, at + 1);
        if (at >= 0 && (best < 0 || at < best)) { best = at; length = seg.text.length; }
      });
    });
    if (best < 0) return null;
    var a = folded.from[best], b = folded.from[best + length];
    var start = a, end = b, wide = new RegExp("[" + CJK + "\u3000-\u303f\uff00-\uffef]", "u");
    for (var room = width / 3; start > 0 && room > 0; start--) room -= wide.test(text.charAt(start - 1)) ? 2 : 1;
    for (room = width - width / 3; end < text.length && room > 0; end++) room -= wide.test(text.charAt(end)) ? 2 : 1;
    var cut = function (s) { return s.replace(/\s+/g, " "); };
    return [(start > 0 ? "…" : "") + cut(text.slice(start, a)), cut(text.slice(a, b)),
      cut(text.slice(b, end)) + (end < text.length ? "…" : "")];
  }

  var FOLDED = new Map(); // character -> folded, for foldMap

  /** A text folded character by character, with the original offset of each folded one. */
  function foldMap(text) {
    var out = "", from = [];
    for (var k = 0; k < text.length; k++) {
      var c = text.charAt(k), code = c.charCodeAt(0), f;
      if (code >= 0xd800 && code < 0xdc00 && k + 1 < text.length) c += text.charAt(k + 1);
      if (code < 128) f = c.toLowerCase();
      else {
        f = FOLDED.get(c);
        if (f === undefined) { f = fold(c); if (FOLDED.size < 20000) FOLDED.set(c, f); }
      }
      for (var j = 0; j < f.length; j++) from.push(k);
      out += f;
      k += c.length - 1;
    }
    from.push(text.length);
    return { text: out, from: from };
  }

  /** Faceted search: `selected[f]` is null or a 0/1 array over facet f's values. A paper is
      visible if it matches the text and, in every facet with a choice, has a chosen value.
      A facet's counts apply the text and all OTHER facets' choices. */
  function evaluate(model, selected, text) {
    var facets = model.facets, n = model.count, visible = new Uint8Array(n), shown = 0;
    var counts = facets.map(function (f) { return new Int32Array(f.values.length); });
    var active = [];
    selected.forEach(function (s, f) { if (s) active.push(f); });
    for (var i = 0; i < n; i++) {
      if (text && !text[i]) continue;
      var fails = 0, failed = -1;
      for (var a = 0; a < active.length && fails < 2; a++) {
        var f = facets[active[a]], chosen = selected[active[a]], ok = false;
        for (var k = f.start[i]; k < f.start[i + 1] && !ok; k++) ok = chosen[f.ids[k]] === 1;
        if (!ok) { fails++; failed = active[a]; }
      }
      if (fails === 0) {
        visible[i] = 1;
        shown++;
        for (var g = 0; g < facets.length; g++) count(facets[g], counts[g], i);
      } else if (fails === 1) {
        count(facets[failed], counts[failed], i);
      }
    }
    return { visible: visible, shown: shown, counts: counts };
  }

  function count(facet, counts, i) {
    for (var k = facet.start[i]; k < facet.start[i + 1]; k++) counts[facet.ids[k]]++;
  }

  /** The value ids a facet lists: chosen ones always, then (up to `limit`) those with a
      nonzero count whose folded label contains `filter`, by count or in table order. */
  function pickValues(facet, counts, chosen, filter, limit) {
    var folded = filter ? foldedLabels(facet) : null, top = [], more = 0, extra = [];
    var byCount = facet.order === "count";
    for (var v = 0; v < counts.length; v++) {
      var isChosen = chosen && chosen[v] === 1;
      if (!isChosen && (counts[v] === 0 || (folded && folded[v].indexOf(filter) < 0))) continue;
      if (top.length === limit && (!byCount || counts[v] <= counts[top[limit - 1]])) {
        if (isChosen) extra.push(v); else more++;
        continue;
      }
      var at = top.length;
      if (byCount) while (at > 0 && counts[top[at - 1]] < counts[v]) at--;
      top.splice(at, 0, v);
      if (top.length > limit) {
        var out = top.pop();
        if (chosen && chosen[out] === 1) extra.push(out); else more++;
      }
    }
    return { ids: top.concat(extra), more: more };
  }

  /** Groups in title order: digits, "A" ... "Z", then the rest (titles starting otherwise);
      `labels` names the first and the last ({digits, other}). */
  function titleGroups(titles, labels) {
    labels = labels || { digits: "0–9", other: "Other" };
    var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    var keys = titles.map(function (t) {
      // As library catalogues do: "The Hallucination Dilemma" files under H.
      var bare = fold(t).replace(/^[^\p{L}\p{N}]+/u, "").replace(/^(?:the|an?)\s+(?=[\p{L}\p{N}])/u, "");
      var c = bare.charAt(0);
      var rank = /[0-9]/.test(c) ? 0 : /[a-z]/.test(c) ? c.charCodeAt(0) - 96 : 27;
      return { rank: rank, text: bare };
    });
    var order = titles.map(function (_, i) { return i; }).sort(function (a, b) {
      return keys[a].rank - keys[b].rank || collator.compare(keys[a].text, keys[b].text) || a - b;
    });
    var groups = [];
    order.forEach(function (i) {
      var rank = keys[i].rank, last = groups[groups.length - 1];
      if (!last || last.rank !== rank) {
        var label = rank === 0 ? labels.digits : rank === 27 ? labels.other : String.fromCharCode(64 + rank);
        var id = rank === 0 ? "0-9" : rank === 27 ? "other" : label.toLowerCase();
        groups.push(last = { rank: rank, id: "title-" + id,
          label: label, items: [] });
      }
      last.items.push(i);
    });
    return groups;
  }

  var MD_SPECIAL = /([\\`*_[\]<>])/g;

  /** `- [Title](url) — Authors (Year), Venue` */
  function markdownLine(paper) {
    var esc = function (s) { return String(s).replace(MD_SPECIAL, "\\$1"); };
    var tail = esc(paper.authors.join(", "));
    if (paper.year) tail += (tail ? " " : "") + "(" + paper.year + ")";
    if (paper.venue) tail += (tail ? ", " : "") + esc(paper.venue);
    var url = String(paper.url).replace(/[()\s]/g, function (c) { return encode(c).replace("(", "%28").replace(")", "%29"); });
    return "- [" + esc(paper.title) + "](" + url + ")" + (tail ? " — " + tail : "");
  }

  // ================================================================ DOM wiring
  var current = null; // the wired index page

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  // The data files papershelf writes beside the index page, as index.py's `versioned` names
  // them, and the full-text manifest (named without a hash: it changes with every note, and
  // is revalidated). Nothing else is fetched: a look-alike element cannot point the script
  // elsewhere. The manifest's chunks and texts are checked in the same way (`ownFile`).
  var DATA_URL = /^index-(?:(?:data|bibtex)\.json\?v=[0-9a-f]+|fulltext\.json)$/;

  /** `url` resolved against `base` when it is one of those files on this site, else null. */
  function ownDataUrl(url, base) {
    if (typeof url !== "string" || !DATA_URL.test(url)) return null;
    var resolved = new URL(url, base);
    return resolved.origin === location.origin ? resolved.href : null;
  }

  /** A chunk (`name`: 12 hex digits) or a paper's text (`slug`) of the full-text index whose
      manifest is at `base`, on this site; else null. */
  function ownFile(base, name, slug, version) {
    var path = slug === undefined ? OWN_CHUNK.test(name) && "index-fulltext/" + name + ".txt"
      : OWN_SLUG.test(slug) && OWN_CHUNK.test(version) && "index-fulltext/text/" + slug + ".txt?v=" + version;
    if (!path) return null;
    var resolved = new URL(path, base);
    return resolved.origin === location.origin ? resolved.href : null;
  }

  /** The index papershelf wrote: the page's only one, and never on a paper page (whose
   *  note could hold a look-alike if it got past the sanitizer). */
  function indexRoot() {
    var roots = document.querySelectorAll("[data-papershelf-index]");
    return roots.length === 1 && !document.querySelector("[data-papershelf-paper]") ? roots[0] : null;
  }

  function wireIndex(root) {
    var dataUrl = ownDataUrl(root.getAttribute("data-papershelf-data"), document.baseURI);
    if (!dataUrl || root.hasAttribute("data-papershelf-wiring")) return;
    root.setAttribute("data-papershelf-wiring", "");
    fetchJson(dataUrl).then(function (data) {
      if (root.isConnected) current = wire(root, data, dataUrl);
    }).catch(function (error) {
      var search = initialSearch();
      if (search !== location.search) history.replaceState(history.state, "", location.pathname + search + location.hash);
      console.warn("papershelf: the index stays a plain list:", error);
    });
  }

  /** The address's query as loaded: the index page's inline script may have hidden `q` from
   *  the theme's search (which would open itself for it) until now. */
  function initialSearch() {
    var kept = window.papershelfDeferred;
    window.papershelfDeferred = null;
    return kept && kept.path === location.pathname ? kept.search : location.search;
  }

  /** The index page's controller. All of its state is declared here; the functions below
      fill it in and keep it current. */
  function controller(root, data, dataUrl) {
    var items = Array.prototype.slice.call(root.querySelectorAll("[data-papershelf-key]"));
    return {
      // The page as the server wrote it, and the data behind it.
      root: root, items: items, model: buildModel(data, items.length), dataUrl: dataUrl,
      strings: data.strings || {}, // the interface's words (index-data.json)
      results: root.querySelector(".papershelf-results") || root,
      countEl: root.querySelector("[data-papershelf-count]"),
      // Controls, made by buildControls.
      input: null, sort: null, bibButton: null, mdButton: null, message: null, active: null,
      fallback: null, fallbackText: null, filtersPanel: null, filtersToggle: null,
      facetUI: [], // per facet: { box, list, rows, more, find, signature }
      // The view: `state` is what the address says (q, sort, chosen values by facet name);
      // `masks` the same choices as 0/1 arrays over each facet's values; `result` what
      // they select (visible papers, counts).
      state: emptyState(), masks: [], result: null,
      filtersOpen: false, expanded: {}, // facets showing all their values
      // The list as shown: per paper whether it is shown; the groups of each layout (sort
      // order), the current one, and per group how many it shows and whether it is near
      // the viewport.
      shown: new Uint8Array(items.length).fill(1),
      layouts: {}, layout: "newest", groupShown: null, groupOf: null, near: null, observer: null,
      // Read or loaded when first needed.
      hay: null, titles: null, links: null, // per paper: searchable text, title, page URL
      titleEnd: null, slugs: null, // per paper: where its title ends in `hay`; its page's name
      indexOf: null, // item element -> its position in the list
      textKey: null, textMatch: null, // the query last matched, and matchText's answer to it
      loading: {}, // pending fetches of data files, by name
      // The full-text index (fulltext.py), as far as it is loaded: the manifest (null until
      // it is, or when it failed), the chunks by number ({parsed} once arrived), the levels
      // of recent lookups and words, and `version`, raised whenever something arrives.
      fulltext: { base: null, manifest: null, failed: false, chunks: new Map(),
        lookups: new Map(), words: new Map(), version: 0 },
      rankedKey: null, // the query the best-match groups were last arranged for
      bestLimit: [BEST_FIRST, BEST_FIRST, BEST_FIRST], // hits drawn per best-match group
      // Snippets under the hits: for which query, the element per paper, the texts by slug
      // (promises), the papers waiting for theirs and how many texts are in flight.
      snippets: { key: null, els: new Map(), texts: new Map(), queue: [], active: 0 },
      scrolled: 0, // a pending look for hits that came near the viewport
      activeKey: null, // the state the chips above the list were last drawn for
      // Work in progress.
      frame: 0, typing: 0, // a pending render, and the pause that ends a burst of typing
      typedEntry: false, pushing: false, // typing has its history entry; a push is queued
      catchingUp: false, pending: false, // hiding items in idle time; a rescan is due
      waiting: false, // the query's words wait for chunks of the full-text index
    };
  }

  function wire(root, data, dataUrl) {
    var ctrl = controller(root, data, dataUrl);
    readGroups(ctrl);
    ctrl.groupShown = new Int32Array(ctrl.layouts.newest.length).fill(-1);
    observeGroups(ctrl);
    buildControls(ctrl);
    restore(ctrl, false);
    dropTargetRules();
    root.setAttribute("data-papershelf-ready", "");
    performance.mark("papershelf-ready");
    return ctrl;
  }

  /** The groups of the server-rendered list (positions of their items). */
  function readGroups(ctrl) {
    var next = 0, groups = [];
    ctrl.results.querySelectorAll("[data-papershelf-group]").forEach(function (section) {
      var size = section.querySelector("ol").children.length, members = [];
      for (var j = 0; j < size; j++) members.push(next++);
      groups.push(groupView(section, members));
    });
    ctrl.layouts.newest = groups;
  }

  var ARXIV_LINK = /arxiv\.org\/abs\/([\w.\-\/]+?)(?:v\d+)?$/;  // an item's first link, when there is one

  /** Titles, links and searchable text of the items, read from the page when first needed
      (the first focus of the filter box, a title sort, an export): at 10,000 papers reading
      them costs ~100 ms that the page's start-up need not pay. */
  function readText(ctrl) {
    if (ctrl.hay) return;
    var model = ctrl.model, textFacets = model.facets.filter(function (f) { return f.text; });
    ctrl.titles = [];
    ctrl.links = [];
    ctrl.slugs = [];
    ctrl.titleEnd = new Int32Array(ctrl.items.length);
    ctrl.hay = ctrl.items.map(function (li, i) {
      var title = "", href = "", summary = "", ids = li.getAttribute("data-papershelf-key") || "";
      for (var child = li.firstElementChild; child; child = child.nextElementSibling) {
        if (child.classList.contains("papershelf-item-title")) {
          title = itemTitle(child);
          href = child.href;
          // The page's name: `<path>/<slug>/` (or `<slug>.html`), as index.py links it. Read
          // from the resolved address: Material's instant navigation rewrites the attribute.
          ctrl.slugs[i] = decodeSafe(new URL(href).pathname.replace(/(?:\/|\.html)$/, "").replace(/^.*\//, ""));
        }
        if (child.classList.contains("papershelf-item-summary")) summary = child.textContent;
        if (child.classList.contains("papershelf-item-links")) {
          var arxiv = child.firstElementChild && ARXIV_LINK.exec(child.firstElementChild.getAttribute("href"));
          if (arxiv) ids += " " + arxiv[1];
        }
      }
      ctrl.titles.push(title);
      ctrl.links.push(href);
      // The citation key and arXiv id are findable too (`li2025start`, `2503.04625`).
      var parts = [fold(title), summary ? fold(summary) : "", fold(ids)];
      ctrl.titleEnd[i] = parts[0].length;
      textFacets.forEach(function (f) {
        var folded = foldedLabels(f);
        for (var k = f.start[i]; k < f.start[i + 1]; k++) parts.push(folded[f.ids[k]]);
      });
      return parts.join("\n");
    });
  }

  /** An item's title as written: typeset math (MathJax, KaTeX) changes its text, so an item
   *  whose title holds math carries the title in `data-papershelf-text`. */
  function itemTitle(link) {
    return link.getAttribute("data-papershelf-text") || link.textContent;
  }

  function groupView(section, members) {
    return { el: section, list: section.querySelector("ol"), items: members,
      countEl: section.querySelector(".papershelf-group-count") };
  }

  function facetByName(ctrl, name) {
    for (var f = 0; f < ctrl.model.facets.length; f++) if (ctrl.model.facets[f].name === name) return ctrl.model.facets[f];
    return null;
  }

  function facetNames(ctrl) { return ctrl.model.facets.map(function (f) { return f.name; }); }

  // ---------------------------------------------------------------- controls
  function buildControls(ctrl) {
    var controls = make("div", { class: "papershelf-controls" });
    var search = make("label", { class: "papershelf-search" });
    var s = ctrl.strings, t = function (key, values) { return say(s, key, values); };
    search.appendChild(make("span", { class: "papershelf-label" }, t("index.filter")));
    ctrl.input = make("input", { type: "search", "data-papershelf-query": "", autocomplete: "off",
      spellcheck: "false", maxlength: String(MAX_QUERY), enterkeyhint: "search",
      placeholder: t("index.filter.placeholder") });
    search.appendChild(ctrl.input);
    controls.appendChild(search);
    var tools = make("div", { class: "papershelf-tools" });
    var sort = make("label", { class: "papershelf-sort" });
    sort.appendChild(make("span", { class: "papershelf-label" }, t("index.sort")));
    ctrl.sort = make("select", { "data-papershelf-sort": "" });
    SORTS.forEach(function (name) {
      ctrl.sort.appendChild(make("option", { value: name }, t("index.sort." + name)));
    });
    sort.appendChild(ctrl.sort);
    tools.appendChild(sort);
    ctrl.bibButton = button(t("index.export.bib"), { "data-papershelf-export": "bib" });
    ctrl.mdButton = button(t("index.export.markdown"), { "data-papershelf-export": "markdown" });
    tools.appendChild(ctrl.bibButton);
    tools.appendChild(ctrl.mdButton);
    controls.appendChild(tools);
    ctrl.message = make("p", { class: "papershelf-message", role: "status" });
    controls.appendChild(ctrl.message);
    controls.appendChild(buildFallback(ctrl));

    // Inserted beside the results, never moving them: moving 10,000 items costs a restyle.
    var layout = ctrl.results.parentNode;
    layout.insertBefore(controls, ctrl.results);
    layout.insertBefore(buildFilters(ctrl), ctrl.results);
    ctrl.active = make("div", { class: "papershelf-active" });
    ctrl.countEl.after(ctrl.active);
    listen(ctrl);
  }

  function button(text, attrs) {
    var classes = "papershelf-button" + (attrs.class ? " " + attrs.class : "");
    return make("button", Object.assign({}, attrs, { type: "button", class: classes }), text);
  }

  function buildFallback(ctrl) {
    var box = make("div", { class: "papershelf-fallback", hidden: "" });
    var label = make("label", { for: "papershelf-markdown" }, say(ctrl.strings, "index.markdown.label"));
    ctrl.fallbackText = make("textarea", { id: "papershelf-markdown", readonly: "", rows: "6",
      "data-papershelf-markdown": "" });
    var close = button(say(ctrl.strings, "index.close"), {});
    close.addEventListener("click", function () { box.hidden = true; ctrl.mdButton.focus(); });
    box.appendChild(label);
    box.appendChild(ctrl.fallbackText);
    box.appendChild(close);
    ctrl.fallback = box;
    return box;
  }

  function buildFilters(ctrl) {
    var panel = make("div", { class: "papershelf-filters" });
    var s = ctrl.strings, t = function (key, values) { return say(s, key, values); };
    var facets = make("div", { class: "papershelf-facets", id: "papershelf-facets", role: "group", "aria-label": t("index.filters") });
    // In a narrow layout the facets fold away behind this button (see papershelf.css).
    ctrl.filtersToggle = button(t("index.filters"), { class: "papershelf-filters-toggle", "aria-controls": facets.id });
    ctrl.filtersToggle.addEventListener("click", function () { setFiltersOpen(ctrl, !ctrl.filtersOpen); });
    panel.appendChild(ctrl.filtersToggle);
    ctrl.model.facets.forEach(function (facet, f) {
      var box = make("fieldset", { class: "papershelf-facet", "data-papershelf-facet": facet.name });
      box.appendChild(make("legend", {}, facet.label));
      var ui = { box: box, rows: new Map(), signature: null, find: null };
      if (facet.values.length > SHOWN) {
        ui.find = make("input", { type: "search", class: "papershelf-facet-find", autocomplete: "off",
          "aria-label": t("index.find.label", { facet: facet.label }), placeholder: t("index.find"),
          "data-papershelf-facet-find": facet.name });
        box.appendChild(ui.find);
      }
      ui.list = make("ul", { class: "papershelf-facet-values" });
      box.appendChild(ui.list);
      ui.more = button(t("index.more", { n: "" }), { class: "papershelf-facet-more", "aria-expanded": "false", hidden: "" });
      box.appendChild(ui.more);
      ui.more.addEventListener("click", function () {
        ctrl.expanded[facet.name] = !ctrl.expanded[facet.name];
        renderFacet(ctrl, f);
      });
      if (ui.find) ui.find.addEventListener("input", function () { renderFacet(ctrl, f); });
      ctrl.facetUI.push(ui);
      facets.appendChild(box);
    });
    facets.addEventListener("change", function (event) {
      var box = event.target.closest("[data-papershelf-facet]");
      var value = event.target.getAttribute("data-papershelf-value");
      if (box && value !== null) toggleValue(ctrl, box.getAttribute("data-papershelf-facet"), value, event.target.checked);
    });
    panel.appendChild(facets);
    ctrl.filtersPanel = panel;
    setFiltersOpen(ctrl, false); // on narrow screens the results come first; the button counts choices
    return panel;
  }

  function setFiltersOpen(ctrl, open) {
    ctrl.filtersOpen = open;
    ctrl.filtersPanel.classList.toggle("papershelf-collapsed", !open);
    ctrl.filtersToggle.setAttribute("aria-expanded", String(open));
  }

  function listen(ctrl) {
    ctrl.input.addEventListener("focus", function () { readText(ctrl); openFulltext(ctrl); });
    ctrl.input.addEventListener("input", function () {
      var was = ctrl.state.q;
      ctrl.state.q = ctrl.input.value.slice(0, MAX_QUERY);
      settleSort(ctrl, was);
      openFulltext(ctrl);
      if (!ctrl.frame) ctrl.frame = requestAnimationFrame(function () { ctrl.frame = 0; render(ctrl); });
      clearTimeout(ctrl.typing);
      ctrl.typing = setTimeout(function () { ctrl.typing = 0; commitTyped(ctrl); }, 400);
    });
    ctrl.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") flushTyping(ctrl);
    });
    ctrl.sort.addEventListener("change", function () {
      change(ctrl, function () { ctrl.state.sort = ctrl.sort.value; });
    });
    window.addEventListener("scroll", function onScroll() {
      if (!ctrl.root.isConnected) window.removeEventListener("scroll", onScroll);
      else if (ctrl.state.q) lookAround(ctrl);
    }, { passive: true });
    ctrl.bibButton.addEventListener("click", function () { exportBibtex(ctrl); });
    ctrl.mdButton.addEventListener("click", function () { copyMarkdown(ctrl); });
    ctrl.active.addEventListener("click", function (event) {
      var chip = event.target.closest("button");
      if (!chip) return;
      if (chip.hasAttribute("data-papershelf-clear")) {
        change(ctrl, function () { ctrl.state.q = ""; ctrl.state.selected = {}; });
        ctrl.input.focus();
      } else {
        toggleValue(ctrl, chip.getAttribute("data-papershelf-facet"), chip.getAttribute("data-papershelf-value"), false);
        ctrl.input.focus();
      }
    });
  }

  // ---------------------------------------------------------------- state changes
  function flushTyping(ctrl) {
    if (!ctrl.typing) return;
    clearTimeout(ctrl.typing);
    ctrl.typing = 0;
    commitTyped(ctrl);
  }

  /** Typing gets one history entry of its own, kept up to date while the typing goes on, so
      Back returns to the view before it. */
  function commitTyped(ctrl) {
    if (commit(ctrl, !ctrl.typedEntry)) ctrl.typedEntry = true;
  }

  /** A discrete change (facet, sort, clear): one history entry, written after the next
      frame, because a URL change costs time in proportion to the page (Chromium revisits
      every link) and the list should not wait for it. */
  function change(ctrl, mutate) {
    flushTyping(ctrl);
    var was = ctrl.state.q;
    mutate();
    settleSort(ctrl, was);
    syncControls(ctrl);
    render(ctrl);
    if (ctrl.pushing) return;
    ctrl.pushing = true;
    afterPaint(function () { ctrl.pushing = false; ctrl.typedEntry = false; commit(ctrl, true); });
  }

  /** A query typed into an empty box brings the best-match order, and clearing it the
      default one back; an order chosen while there is a query stays. */
  function settleSort(ctrl, was) {
    var q = ctrl.state.q, sort = ctrl.state.sort;
    if (!was && q && sort === "newest") ctrl.state.sort = "best";
    else if (!q && sort === "best") ctrl.state.sort = "newest";
    if (ctrl.layout !== ctrl.state.sort) syncControls(ctrl);
  }

  function afterPaint(task) {
    requestAnimationFrame(function () {
      if (window.requestIdleCallback) requestIdleCallback(task, { timeout: 300 });
      else setTimeout(task, 50);
    });
  }

  function toggleValue(ctrl, name, value, on) {
    change(ctrl, function () {
      var list = (ctrl.state.selected[name] || []).filter(function (v) { return v !== value; });
      if (on) list.push(value);
      if (list.length) ctrl.state.selected[name] = list; else delete ctrl.state.selected[name];
    });
  }

  /** Mirror the state to the query string: a new history entry, or the current one.
      Whether the address changed. */
  function commit(ctrl, push) {
    var search = serializeState(ctrl.state, facetNames(ctrl));
    if (search === location.search) return false;
    var target = location.pathname + search + location.hash;
    if (push) history.pushState(null, "", target);
    else history.replaceState(history.state, "", target);
    return true;
  }

  /** Adopt the view the URL describes (on load and on back/forward), cleaning the URL. */
  function restore(ctrl, fromHistory) {
    var search = fromHistory ? location.search : initialSearch();
    var read = readState(search, function (name, value) {
      var facet = facetByName(ctrl, name);
      return facet ? facetValue(facet, value) : null;
    });
    ctrl.state = read.state;
    ctrl.typedEntry = false;
    syncControls(ctrl);
    if (ctrl.state.q) openFulltext(ctrl);
    render(ctrl);
    // Not before the theme's own start-up has looked at the address (the mkdocs theme's on
    // DOMContentLoaded): it would open its search for the q put back.
    if (read.dirty || search !== location.search) afterStartUp(function () { commit(ctrl, false); });
    if (!fromHistory && location.hash) { // the anchor may have moved
      var target = document.getElementById(decodeSafe(location.hash.slice(1)));
      if (target && !target.closest("[hidden]")) {
        drawUpTo(ctrl, target);
        target.scrollIntoView();
      }
    }
  }

  /** Draw for real the groups down to the one holding `target` (not at their estimated
      height, which drawing them later would correct under the reader's eyes), so that a jump
      to it lands. The stylesheet does the same with `:has(:target)` rules for a page without
      this script; those rules cost every later change of the list a new look at each group
      (facet clicks at 10,000 papers: p50 45 -> 28 ms without them), so the script drops
      them once it has wired the list. */
  function drawUpTo(ctrl, target) {
    var group = target.closest(".papershelf-group"), groups = ctrl.layouts[ctrl.layout];
    for (var g = 0; g < groups.length; g++) {
      groups[g].el.style.contentVisibility = "visible";
      if (groups[g].el === group) break;
    }
  }

  function dropTargetRules() {
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      var rules;
      try { rules = sheet.cssRules; } catch (error) { return; } // another origin's sheet
      for (var r = rules.length - 1; r >= 0; r--) {
        var text = rules[r].selectorText || "";
        if (text.indexOf(".papershelf-group:has(") >= 0 && text.indexOf(":target") >= 0) sheet.deleteRule(r);
      }
    });
  }

  function afterStartUp(task) {
    if (document.readyState !== "loading") task();
    else document.addEventListener("DOMContentLoaded", function () { setTimeout(task, 0); });
  }

  function decodeSafe(text) { try { return decodeURIComponent(text); } catch (error) { return text; } }

  function syncControls(ctrl) {
    if (ctrl.input.value !== ctrl.state.q) ctrl.input.value = ctrl.state.q;
    ctrl.sort.options[0].disabled = !ctrl.state.q; // best match: of a query
    ctrl.sort.value = ctrl.state.sort;
    if (ctrl.layout !== ctrl.state.sort) arrange(ctrl, ctrl.state.sort);
  }

  // ---------------------------------------------------------------- render
  function render(ctrl) {
    var start = performance.now(), model = ctrl.model;
    ctrl.masks = model.facets.map(function (facet) {
      var chosen = ctrl.state.selected[facet.name];
      if (!chosen || !chosen.length) return null;
      var mask = new Uint8Array(facet.values.length);
      chosen.forEach(function (v) { var id = valueId(facet, v); if (id >= 0) mask[id] = 1; });
      return mask;
    });
    var result = ctrl.result = evaluate(model, ctrl.masks, textMask(ctrl));
    if (ctrl.layout === "best") rankItems(ctrl);
    applyItems(ctrl);
    renderGroups(ctrl);
    renderCount(ctrl);
    model.facets.forEach(function (_, f) { renderFacet(ctrl, f); });
    renderActive(ctrl);
    ctrl.bibButton.disabled = ctrl.mdButton.disabled = result.shown === 0;
    lookAround(ctrl);
    try {
      performance.measure("papershelf-update", { start: start, end: performance.now() });
    } catch (error) { /* older browsers: no timing, no harm */ }
  }

  /** Set `hidden` on the items whose visibility changed. When thousands change, only those
      in groups near the viewport are done now and the rest in idle time: restyling every
      item would hold up the frame, and off-screen groups are not rendered anyway. */
  function applyItems(ctrl) {
    if (ctrl.layout === "best") { applyBest(ctrl); return; }
    var visible = ctrl.result.visible, shown = ctrl.shown, n = visible.length, changed = 0, i;
    for (i = 0; i < n; i++) if (visible[i] !== shown[i]) changed++;
    var range = changed > EAGER ? nearGroups(ctrl) : null;
    for (i = 0; i < n; i++) {
      if (visible[i] === shown[i]) continue;
      var g = ctrl.groupOf[i];
      if (range && (g < range[0] || g > range[1])) continue;
      shown[i] = visible[i];
      ctrl.items[i].hidden = !visible[i];
    }
    if (range) catchUp(ctrl);
  }

  /** The best-match layout: each group's list holds its first shown hits (`bestLimit`)
      and nothing else, the rest waiting behind its button, so a keystroke moves a few
      hundred elements whatever the number of hits; the counts are of every hit. */
  function applyBest(ctrl) {
    var visible = ctrl.result.visible, shown = ctrl.shown, want = new Uint8Array(visible.length);
    ctrl.layouts.best.forEach(function (group, g) {
      var drawn = [], n = 0, limit = ctrl.bestLimit[g];
      group.items.forEach(function (i) { if (visible[i] && n++ < limit) drawn.push(i); });
      drawn.forEach(function (i) { want[i] = 1; });
      var key = drawn.join();
      if (group.drawn !== key) {
        group.drawn = key;
        var list = document.createDocumentFragment();
        drawn.forEach(function (i) { list.appendChild(ctrl.items[i]); });
        group.list.replaceChildren(list);
      }
      group.more.hidden = n <= limit;
      group.more.textContent = say(ctrl.strings, "index.best.more", { n: Math.min(n - limit, BEST_MORE) });
    });
    // (An item out of the page is hidden too, so that it comes back right in another order.)
    for (var i = 0; i < visible.length; i++) {
      if (want[i] === shown[i]) continue;
      shown[i] = want[i];
      ctrl.items[i].hidden = !want[i];
    }
  }

  /** The groups (by position) the observer saw near the viewport, and one more each side. */
  function nearGroups(ctrl) {
    var lo = -1, hi = -1;
    for (var g = 0; g < ctrl.near.length; g++) if (ctrl.near[g]) { if (lo < 0) lo = g; hi = g; }
    return lo < 0 ? [0, 2] : [lo - 1, hi + 1];
  }

  function catchUp(ctrl) {
    if (ctrl.catchingUp) { ctrl.pending = true; return; } // rescan from the top when done
    ctrl.catchingUp = true;
    var at = 0;
    // Small batches while the idle period lasts, so a keystroke or click never waits long.
    var step = function (deadline) {
      var visible = ctrl.result.visible, shown = ctrl.shown, n = visible.length;
      do {
        for (var budget = CHUNK; at < n && budget > 0; at++) {
          if (visible[at] === shown[at]) continue;
          shown[at] = visible[at];
          ctrl.items[at].hidden = !visible[at];
          budget--;
        }
      } while (at < n && deadline && deadline.timeRemaining() > 2);
      if (at < n) idle(step);
      else { ctrl.catchingUp = false; if (ctrl.pending) { ctrl.pending = false; catchUp(ctrl); } }
    };
    idle(step);
  }

  function idle(task) {
    if (window.requestIdleCallback) requestIdleCallback(task, { timeout: 100 });
    else setTimeout(task, 16);
  }

  /** Keep `ctrl.near` (per group of the current layout) up to date; a group coming near
      gets its pending items at once. */
  function observeGroups(ctrl) {
    var groups = ctrl.layouts[ctrl.layout], index = new Map();
    ctrl.near = new Uint8Array(groups.length);
    groups.forEach(function (group, g) { index.set(group.el, g); });
    indexGroups(ctrl);
    if (!window.IntersectionObserver) return;
    if (ctrl.observer) ctrl.observer.disconnect();
    ctrl.observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var g = index.get(entry.target);
        if (g === undefined) return;
        ctrl.near[g] = entry.isIntersecting ? 1 : 0;
        if (entry.isIntersecting && ctrl.catchingUp) {
          groups[g].items.forEach(function (i) {
            if (ctrl.shown[i] !== ctrl.result.visible[i]) {
              ctrl.shown[i] = ctrl.result.visible[i];
              ctrl.items[i].hidden = !ctrl.shown[i];
            }
          });
        }
      });
    }, { rootMargin: "150% 0px" });
    groups.forEach(function (group) { ctrl.observer.observe(group.el); });
  }

  /** Which group of the current layout each paper is in (-1: none, in the best-match
      layout a paper that does not match). */
  function indexGroups(ctrl) {
    ctrl.groupOf = new Int32Array(ctrl.model.count).fill(-1);
    ctrl.layouts[ctrl.layout].forEach(function (group, g) {
      group.items.forEach(function (i) { ctrl.groupOf[i] = g; });
    });
  }

  function renderGroups(ctrl) {
    var groups = ctrl.layouts[ctrl.layout], visible = ctrl.result.visible;
    groups.forEach(function (group, g) {
      var n = 0;
      for (var k = 0; k < group.items.length; k++) n += visible[group.items[k]];
      if (ctrl.groupShown[g] === n) return;
      ctrl.groupShown[g] = n;
      group.el.hidden = n === 0;
      if (group.countEl) group.countEl.textContent = String(n);
      group.el.style.setProperty("--papershelf-items", String(n));
    });
  }

  function renderCount(ctrl) {
    var total = ctrl.model.count, shown = ctrl.result.shown;
    var text = shown === total ? say(ctrl.strings, "index.count", { n: total })
      : say(ctrl.strings, "index.showing", { n: total, shown: shown });
    if (ctrl.results.getAttribute("aria-busy") === "true") text += " " + say(ctrl.strings, "index.searching");
    if (ctrl.countEl.textContent !== text) ctrl.countEl.textContent = text;
  }

  function renderFacet(ctrl, f) {
    var facet = ctrl.model.facets[f], ui = ctrl.facetUI[f], counts = ctrl.result.counts[f];
    var chosen = ctrl.masks[f];
    ui.box.hidden = facet.populated < 2 && !chosen;
    if (ui.box.hidden) return;
    var filter = ui.find ? fold(ui.find.value.trim()) : "";
    var expanded = !!ctrl.expanded[facet.name];
    var pick = pickValues(facet, counts, chosen, filter, expanded ? EXPANDED : SHOWN);
    var signature = pick.ids.length ? pick.ids.join() : "none:" + filter;
    if (signature !== ui.signature) {
      ui.signature = signature;
      var rows = pick.ids.map(function (v) { return facetRow(ui, facet, v).li; });
      if (!rows.length) rows.push(make("li", { class: "papershelf-facet-none" }, say(ctrl.strings, filter ? "index.no-match" : "index.none")));
      reorder(ui.list, rows);
    }
    pick.ids.forEach(function (v) {
      var row = ui.rows.get(v), n = String(counts[v]), on = !!(chosen && chosen[v]);
      if (row.count.textContent !== n) row.count.textContent = n;
      if (row.input.checked !== on) row.input.checked = on;
    });
    ui.more.hidden = !(pick.more > 0 || expanded);
    ui.more.textContent = say(ctrl.strings, expanded ? "index.fewer" : "index.more", { n: pick.more });
    ui.more.setAttribute("aria-expanded", String(expanded));
  }

  /** Make `list`'s children `nodes`, moving as few as possible: a moved element loses focus. */
  function reorder(list, nodes) {
    var keep = new Set(nodes), focused = document.activeElement;
    Array.prototype.slice.call(list.children).forEach(function (node) { if (!keep.has(node)) node.remove(); });
    var at = list.firstChild;
    nodes.forEach(function (node) {
      if (node === at) at = at.nextSibling; else list.insertBefore(node, at);
    });
    if (focused && focused !== document.activeElement && list.contains(focused)) focused.focus({ preventScroll: true });
  }

  function facetRow(ui, facet, v) {
    var row = ui.rows.get(v);
    if (row) return row;
    var li = make("li"), label = make("label", { class: "papershelf-facet-value" });
    var input = make("input", { type: "checkbox", "data-papershelf-value": facet.values[v] });
    label.appendChild(input);
    label.appendChild(make("span", { class: "papershelf-facet-name" }, facet.labels[v]));
    var countEl = make("span", { class: "papershelf-facet-count" });
    label.appendChild(countEl);
    li.appendChild(label);
    row = { li: li, input: input, count: countEl };
    ui.rows.set(v, row);
    return row;
  }

  /** The chosen values as removable chips, and "Clear all". */
  function renderActive(ctrl) {
    var key = serializeState(ctrl.state, facetNames(ctrl));
    if (ctrl.activeKey === key) return;
    ctrl.activeKey = key;
    var chips = document.createDocumentFragment(), n = 0;
    ctrl.model.facets.forEach(function (facet) {
      (ctrl.state.selected[facet.name] || []).forEach(function (value) {
        var label = facet.labels[valueId(facet, value)];
        chips.appendChild(button(label + " ✕", { class: "papershelf-chip", "data-papershelf-facet": facet.name,
          "data-papershelf-value": value, "aria-label": say(ctrl.strings, "index.remove", { facet: facet.label, value: label }) }));
        n++;
      });
    });
    if (n || ctrl.state.q) chips.appendChild(button(say(ctrl.strings, "index.clear"), { class: "papershelf-chip papershelf-clear", "data-papershelf-clear": "" }));
    ctrl.active.replaceChildren(chips);
    ctrl.filtersToggle.textContent = say(ctrl.strings, n ? "index.filters.count" : "index.filters", { n: n });
  }

  // ---------------------------------------------------------------- sort
  function arrange(ctrl, mode) {
    if (!ctrl.layouts[mode]) ctrl.layouts[mode] = buildLayout(ctrl, mode);
    var groups = ctrl.layouts[mode];
    var sections = document.createDocumentFragment();
    groups.forEach(function (group) {
      // The best-match groups are filled by rankItems, with the hits of the query.
      if (mode === "best") { group.items = []; group.drawn = ""; }
      var list = document.createDocumentFragment();
      group.items.forEach(function (i) { list.appendChild(ctrl.items[i]); });
      group.list.replaceChildren(list);
      sections.appendChild(group.el);
    });
    ctrl.results.querySelectorAll("[data-papershelf-group]").forEach(function (s) { s.remove(); });
    ctrl.results.appendChild(sections);
    ctrl.results.classList.toggle("papershelf-ranked", mode === "best");
    ctrl.layout = mode;
    ctrl.rankedKey = null;
    ctrl.groupShown = new Int32Array(groups.length).fill(-1);
    observeGroups(ctrl);
  }

  function buildLayout(ctrl, mode) {
    if (mode === "oldest") {
      return ctrl.layouts.newest.slice().reverse().map(function (g) {
        return Object.assign({}, g, { items: g.items.slice().reverse() });
      });
    }
    if (mode === "best") {
      return ["title", "fields", "note"].map(function (name, g) {
        var group = groupView(groupSection("best-" + name, say(ctrl.strings, "index.best." + name)), []);
        group.more = button("", { class: "papershelf-more", hidden: "" });
        group.more.addEventListener("click", function () {
          ctrl.bestLimit[g] += BEST_MORE;
          render(ctrl);
        });
        group.el.appendChild(group.more);
        return group;
      });
    }
    readText(ctrl);
    var labels = { digits: say(ctrl.strings, "index.digits"), other: say(ctrl.strings, "index.other") };
    return titleGroups(ctrl.titles, labels).map(function (g) {
      return groupView(groupSection(g.id, g.label), g.items);
    });
  }

  function groupSection(id, label) {
    var section = make("section", { class: "papershelf-group", "data-papershelf-group": id });
    var heading = make("h2", { class: "papershelf-group-title", id: "papershelf-" + id }, label + " ");
    heading.appendChild(make("span", { class: "papershelf-group-count" }));
    section.appendChild(heading);
    section.appendChild(make("ol", { class: "papershelf-list" }));
    return section;
  }

  // ---------------------------------------------------------------- full-text search
  /** Fetch the full-text manifest (on the first focus of the box, or a query). */
  function openFulltext(ctrl) {
    var ft = ctrl.fulltext;
    if (ctrl.loading.fulltext || ft.failed || !ctrl.model.fulltext) return;
    var own = ownDataUrl(ctrl.model.fulltext, ctrl.dataUrl);
    // Revalidated, not cached blindly: it is named without a hash (see DATA_URL).
    ctrl.loading.fulltext = (own ? fetch(own, { cache: "no-cache" }) : Promise.reject(new Error("not papershelf's data: " + ctrl.model.fulltext)))
      .then(function (response) {
        if (!response.ok) throw new Error(own + ": HTTP " + response.status);
        return response.json();
      }).then(function (data) {
        ft.manifest = readManifest(data, ctrl.model.count, ctrl.model.list);
        ft.base = own;
        performance.mark("papershelf-fulltext-ready");
        arrived(ctrl);
      }).catch(function (error) { fulltextFailed(ctrl, error); });
  }

  function fulltextFailed(ctrl, error) {
    var ft = ctrl.fulltext;
    if (ft.failed) return;
    console.warn("papershelf: notes and abstracts are not searchable:", error);
    ft.failed = true;
    ft.manifest = null;
    tell(ctrl, say(ctrl.strings, "index.search-failed"));
    arrived(ctrl);
  }

  /** Something the full-text search waited for has come: match the query again. */
  function arrived(ctrl) {
    ctrl.fulltext.version++;
    if (ctrl.root.isConnected && !ctrl.frame) {
      ctrl.frame = requestAnimationFrame(function () { ctrl.frame = 0; render(ctrl); });
    }
  }

  function loadChunk(ctrl, c) {
    var ft = ctrl.fulltext, chunk = ft.chunks.get(c);
    if (chunk) return chunk;
    chunk = { parsed: null };
    ft.chunks.set(c, chunk);
    var url = ownFile(ft.base, ft.manifest.files[c]);
    (url ? fetch(url) : Promise.reject(new Error("not papershelf's chunk"))).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.text();
    }).then(function (text) {
      chunk.parsed = parseChunk(text);
      arrived(ctrl);
    }).catch(function (error) { fulltextFailed(ctrl, error); });
    return chunk;
  }

  /** A word's full-text levels (see lookupLevels); null when the index has nothing to say
      about it (not loaded, failed, or a word without letters), undefined while its chunks
      are on their way. */
  function wordLevels(ctrl, word) {
    var ft = ctrl.fulltext, count = ctrl.model.count;
    if (!ft.manifest) return null;
    var done = ft.words.get(word);
    if (done) return done;
    var asked = lookups(word), levels = [], waiting = false;
    if (!asked.length) return null;
    asked.forEach(function (lookup) {
      var id = (lookup.prefix ? "*" : "=") + lookup.token, level = ft.lookups.get(id);
      if (!level) {
        var chunks = chunkRange(ft.manifest, lookup).map(function (c) { return loadChunk(ctrl, c); });
        if (chunks.some(function (chunk) { return !chunk.parsed; })) { waiting = true; return; }
        level = lookupLevels(lookup, chunks.map(function (chunk) { return chunk.parsed; }), count);
        remember(ft.lookups, id, level);
      }
      levels.push(level);
    });
    if (waiting || ft.failed) return ft.failed ? null : undefined;
    done = combineLevels(levels, count);
    remember(ft.words, word, done);
    return done;
  }

  function remember(cache, key, value) {
    if (cache.size >= 64) cache.delete(cache.keys().next().value);
    cache.set(key, value);
  }

  /** The papers the query's words select (null: no query), and each one's tier. */
  function textMask(ctrl) {
    var words = queryWords(ctrl.state.q), ft = ctrl.fulltext;
    var key = words.join(" ") + "\u0001" + ft.version;
    if (key !== ctrl.textKey) {
      ctrl.textKey = key;
      if (words.length) { readText(ctrl); openFulltext(ctrl); }
      var levels = words.map(function (w, j) { return j < SEARCHED_WORDS ? wordLevels(ctrl, w) : null; });
      ctrl.waiting = levels.some(function (l) { return l === undefined; }) ||
        (words.length > 0 && !!ctrl.model.fulltext && !ft.manifest && !ft.failed);
      ctrl.textMatch = matchText(ctrl.hay, ctrl.titleEnd, words, levels);
    }
    var busy = String(!!ctrl.waiting);
    if (ctrl.results.getAttribute("aria-busy") !== busy) ctrl.results.setAttribute("aria-busy", busy);
    return ctrl.textMatch && ctrl.textMatch.mask;
  }

  // ---------------------------------------------------------------- best match
  /** The hits of the best-match layout by group (title, other fields or abstract, note),
      newest first in each; applyBest puts the first of them in the page. */
  function rankItems(ctrl) {
    var groups = ctrl.layouts.best, tier = ctrl.textMatch ? ctrl.textMatch.tier : null;
    if (!groups || !tier || ctrl.rankedKey === ctrl.textKey) return;
    ctrl.rankedKey = ctrl.textKey;
    ctrl.bestLimit = [BEST_FIRST, BEST_FIRST, BEST_FIRST]; // a new query: its first hits
    groups.forEach(function (group, g) {
      group.items = [];
      for (var i = 0; i < tier.length; i++) if (tier[i] === g) group.items.push(i);
    });
    ctrl.groupShown.fill(-1);
    indexGroups(ctrl);
  }

  // ---------------------------------------------------------------- snippets
  /** Look for hits that need a snippet once the frame is drawn (it reads the layout). */
  function lookAround(ctrl) {
    if (ctrl.scrolled || (!ctrl.state.q && !ctrl.snippets.key)) return;
    ctrl.scrolled = requestAnimationFrame(function () {
      setTimeout(function () {
        ctrl.scrolled = 0;
        if (ctrl.root.isConnected) renderSnippets(ctrl);
      }, 0);
    });
  }

  /** Snippets for the hits near the viewport: fetched a few at a time, dropped when the
      query changes. Run after a frame (it reads the layout) and on scrolling. */
  function renderSnippets(ctrl) {
    var sn = ctrl.snippets, ft = ctrl.fulltext, words = queryWords(ctrl.state.q);
    var key = words.length && ft.manifest ? words.join(" ") : null;
    if (key !== sn.key) {
      sn.els.forEach(function (el) { if (el) el.remove(); });
      sn.els.clear();
      sn.queue = [];
      sn.key = key;
    }
    if (!key || !ctrl.result) return;
    var inText = ctrl.textMatch.inText; // matched in an abstract or a note: worth showing where
    nearHits(ctrl).forEach(function (i) {
      if (inText[i] && !sn.els.has(i) && sn.queue.indexOf(i) < 0) sn.queue.push(i);
    });
    pumpSnippets(ctrl);
  }

  var SNIPPET_FETCHES = 6; // texts in flight at once

  function pumpSnippets(ctrl) {
    var sn = ctrl.snippets, ft = ctrl.fulltext;
    while (sn.active < SNIPPET_FETCHES && sn.queue.length) {
      var i = sn.queue.shift(), slug = ctrl.slugs[i], url = ownFile(ft.base, "", slug, ft.manifest.texts);
      if (!url) continue;
      var text = sn.texts.get(slug);
      if (!text) {
        text = fetch(url).then(function (response) { return response.ok ? response.text() : ""; });
        if (sn.texts.size >= 200) sn.texts.delete(sn.texts.keys().next().value);
        sn.texts.set(slug, text);
      }
      sn.active++;
      sn.els.set(i, null); // taken: not queued again for this query
      (function (i, key) {
        text.catch(function () { return ""; }).then(function (body) {
          sn.active--;
          if (sn.key === key) showSnippet(ctrl, i, snippet(body, key.split(" ")));
          pumpSnippets(ctrl);
        });
      })(i, sn.key);
    }
  }

  function showSnippet(ctrl, i, parts) {
    if (!parts) return;
    var li = ctrl.items[i], el = make("p", { class: "papershelf-item-snippet", "data-papershelf-snippet": "" });
    // Note text is untrusted: text nodes only.
    el.appendChild(document.createTextNode(parts[0]));
    el.appendChild(make("mark", {}, parts[1]));
    el.appendChild(document.createTextNode(parts[2]));
    var meta = li.querySelector(".papershelf-item-meta");
    li.insertBefore(el, meta ? meta.nextSibling : null);
    ctrl.snippets.els.set(i, el);
  }

  /** The shown papers on or near the screen, in the order shown (a binary search over their
      positions: a handful of layout reads, whatever the length of the list). */
  function nearHits(ctrl) {
    var order = shownInOrder(ctrl).filter(function (i) { return ctrl.shown[i]; });
    var margin = window.innerHeight, out = [];
    for (var k = firstOnScreen(ctrl, order); k < order.length && out.length < 40; k++) {
      var box = ctrl.items[order[k]].getBoundingClientRect();
      if (box.bottom < -margin) continue;
      if (box.top > 2 * margin) break;
      out.push(order[k]);
    }
    return out;
  }

  /** Where the shown hits (`order`) meet the screen: a few before the item under its top
      edge, found by hit tests. Asking the position of items far off screen made the browser
      lay out thousands of them, which content-visibility had skipped: a bisection over
      10,000 hits took 50 s. */
  function firstOnScreen(ctrl, order) {
    var list = ctrl.results.getBoundingClientRect();
    if (list.top >= 0 || !order.length) return 0; // the list starts on screen, or below it
    if (!ctrl.indexOf) {
      ctrl.indexOf = new Map();
      ctrl.items.forEach(function (li, i) { ctrl.indexOf.set(li, i); });
    }
    var x = list.left + Math.min(list.width / 2, 60);
    for (var y = 4; y < window.innerHeight; y += 24) {
      var el = document.elementFromPoint(x, y), li = el && el.closest(".papershelf-item");
      var i = li ? ctrl.indexOf.get(li) : undefined;
      if (i !== undefined && ctrl.result.visible[i]) return Math.max(0, order.indexOf(i) - 8);
    }
    return 0;
  }

  // ---------------------------------------------------------------- export
  function shownInOrder(ctrl) {
    var out = [], visible = ctrl.result.visible;
    ctrl.layouts[ctrl.layout].forEach(function (group) {
      group.items.forEach(function (i) { if (visible[i]) out.push(i); });
    });
    return out;
  }

  function tell(ctrl, text) { ctrl.message.textContent = text; }

  function lazy(ctrl, name, url, decodeWith) {
    if (!ctrl.loading[name]) {
      var own = ownDataUrl(url, ctrl.dataUrl);
      ctrl.loading[name] = (own ? fetchJson(own) : Promise.reject(new Error("not papershelf's data: " + url))).then(function (data) {
        return decodeWith(data, ctrl.model.count);
      });
    }
    return ctrl.loading[name];
  }

  function exportBibtex(ctrl) {
    var papers = shownInOrder(ctrl);
    lazy(ctrl, "bibtex", ctrl.model.bibtex, function (data, n) {
      if (!data || data.version !== 1 || data.count !== n || !Array.isArray(data.bibtex)) throw new Error("bad BibTeX data");
      return data.bibtex;
    }).then(function (entries) {
      var text = papers.map(function (i) { return entries[i]; }).join("\n\n") + "\n";
      var link = make("a", { href: URL.createObjectURL(new Blob([text], { type: "application/x-bibtex" })), download: "papers.bib" });
      ctrl.root.appendChild(link); // Firefox downloads only from links in the document
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      tell(ctrl, say(ctrl.strings, "index.downloaded", { n: papers.length }));
    }).catch(function (error) {
      ctrl.loading.bibtex = null;
      tell(ctrl, say(ctrl.strings, "index.bibtex-failed", { error: error.message }));
    });
  }

  function copyMarkdown(ctrl) {
    readText(ctrl);
    var model = ctrl.model, year = facetByName(ctrl, "year"), venue = facetByName(ctrl, "venue"), author = facetByName(ctrl, "author");
    var first = function (facet, i) { return facet && facet.start[i] < facet.start[i + 1] ? facet.labels[facet.ids[facet.start[i]]] : ""; };
    var papers = shownInOrder(ctrl);
    var text = papers.map(function (i) {
      var authors = [];
      if (author) for (var k = author.start[i]; k < author.start[i + 1]; k++) authors.push(author.labels[author.ids[k]]);
      if (model.etal[i]) authors.push("et al.");
      return markdownLine({ title: ctrl.titles[i], url: ctrl.links[i], authors: authors,
        year: first(year, i), venue: first(venue, i) });
    }).join("\n") + "\n";
    var done = say(ctrl.strings, "index.copied", { n: papers.length });
    var fallback = function () {
      ctrl.fallbackText.value = text;
      ctrl.fallback.hidden = false;
      ctrl.fallbackText.focus();
      ctrl.fallbackText.select();
      tell(ctrl, say(ctrl.strings, "index.no-clipboard"));
    };
    if (!navigator.clipboard || !navigator.clipboard.writeText) return fallback();
    navigator.clipboard.writeText(text).then(function () {
      ctrl.fallback.hidden = true;
      tell(ctrl, done);
    }, fallback);
  }

  // ================================================================ paper pages
  // The page's header (papershelf's, the first) carries the labels in the site's language.
  function label(name, fallback) {
    var header = document.querySelector("[data-papershelf-paper]");
    return (header && header.getAttribute("data-papershelf-" + name)) || fallback;
  }

  /** A Copy button that puts what `content()` gives ({text, html}) on the clipboard: the
      HTML flavour too where the browser can, so a word processor keeps the italics. */
  function copyButton(content) {
    var idle = label("copy", "Copy");
    var copy = make("button", { type: "button", class: "papershelf-copy md-button" }, idle);
    var reset;
    function show(text) {
      copy.textContent = text;
      clearTimeout(reset);
      reset = setTimeout(function () { copy.textContent = idle; }, 2000);
    }
    copy.addEventListener("click", function () {
      var data = content();
      var plain = function () { return navigator.clipboard.writeText(data.text); };
      var done = data.html && window.ClipboardItem && navigator.clipboard.write
        ? navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([data.text], { type: "text/plain" }),
          "text/html": new Blob([data.html], { type: "text/html" }) })]).catch(plain)
        : plain();
      done.then(function () { show(label("copied", "Copied")); },
        function () { show(label("copy-failed", "Copy failed: select the text")); });
    });
    return copy;
  }

  function addCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll(".papershelf-bibtex").forEach(function (box) {
      if (box.querySelector(".papershelf-copy")) return;
      box.appendChild(copyButton(function () {
        var code = box.querySelector("code");
        return { text: code ? code.textContent : "" };
      }));
    });
    // Each formatted reference: the button sits in its label (<dt>), outside the text copied.
    root.querySelectorAll(".papershelf-references > dd[data-papershelf-reference]").forEach(function (dd) {
      var dt = dd.previousElementSibling;
      if (!dt || dt.tagName !== "DT" || dt.querySelector(".papershelf-copy")) return;
      var button = copyButton(function () {
        return { text: dd.textContent.replace(/\s+/g, " ").trim(), html: dd.innerHTML.trim() };
      });
      button.setAttribute("data-papershelf-copy-reference", dd.getAttribute("data-papershelf-reference"));
      dt.appendChild(button);
    });
  }

  // ================================================================ the theme's search box
  // The paper pages are not in the theme's search (the index searches their notes): its box
  // gets a link into the index's view of the same words. Where the index is and what the link
  // says come with this script's tag (site.py, `with_search_link`).
  var SITE = readSite(document.currentScript);

  function readSite(script) {
    var index = script && script.getAttribute("data-papershelf-search");
    var label = script && script.getAttribute("data-papershelf-search-label");
    if (!index || !label) return null;
    var url = new URL(index, document.baseURI);
    return url.origin === location.origin ? { index: url, label: label } : null;
  }

  // Material's search (results inside its dialog) and the mkdocs theme's (in its modal).
  var SEARCH_BOXES = [
    { input: "[data-md-component=search-query]", results: "[data-md-component=search-result]", inside: true },
    { input: "#mkdocs-search-query", results: "#mkdocs-search-results", inside: false },
  ];

  function addSearchLink() {
    if (!SITE) return;
    SEARCH_BOXES.forEach(function (box) {
      var input = document.querySelector(box.input), results = document.querySelector(box.results);
      if (!input || !results || results.parentNode.querySelector("[data-papershelf-search-link]")) return;
      var link = make("a", { class: "papershelf-search-link", "data-papershelf-search-link": "", hidden: "" });
      // Material redraws only its result list and meta line; the mkdocs theme empties its
      // results box on every search, so the link goes before it there.
      if (box.inside) results.insertBefore(link, results.firstChild);
      else results.parentNode.insertBefore(link, results);
      var update = function () {
        var q = input.value.trim().slice(0, MAX_QUERY), url = new URL(SITE.index.href);
        url.search = "?q=" + encode(q);
        link.hidden = !q;
        if (q) link.href = url.href; else link.removeAttribute("href"); // no link to nothing
        link.textContent = SITE.label.replace("{q}", function () { return q; });
      };
      input.addEventListener("input", update);
      update();
    });
  }

  function init() {
    addCopyButtons(document);
    addSearchLink();
    var root = indexRoot();
    if (root) wireIndex(root);
  }

  window.addEventListener("popstate", function () {
    if (current && current.root.isConnected) restore(current, true);
  });

  // For tests and benchmarks; not a stable API.
  window.papershelf = { fold: fold, queryWords: queryWords,
    parseQuery: parseQuery, readState: readState, serializeState: serializeState,
    buildModel: buildModel, evaluate: evaluate, markdownLine: markdownLine, titleGroups: titleGroups,
    say: say, lookups: lookups, readManifest: readManifest, chunkRange: chunkRange,
    parseChunk: parseChunk, eachPosting: eachPosting, lookupLevels: lookupLevels,
    combineLevels: combineLevels, matchText: matchText, snippet: snippet, foldMap: foldMap };

  // This script comes after the content, so the list is parsed: wire it now rather than
  // after the theme's own start-up (Material's takes 100 ms on a 10,000-paper page).
  init();
  // Material's instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
