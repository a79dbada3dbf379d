// Cairn offline search. Reads the index written at build time in parts (src/search/): first
// the manifest (search.json, next to the site's home page), then only the parts holding a
// query's words and the record chunks of the results shown; nothing leaves the page.
// Queries are split exactly as the index was built: runs of letters and digits, lower-cased,
// at least two characters, stop words dropped. Every term must match; a term matches a word
// it begins, so "migr" finds "migration".
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form) return;
  var base = form.getAttribute("data-base") || "/";
  var input = form.querySelector("input[type=search]");
  var panel = form.querySelector(".search-panel");
  var statusLine = form.querySelector(".search-status");
  var list = form.querySelector(".search-results");
  var MAX_MENU = 8;
  var MAX_PAGE = 100;
  // A term whose words span more parts than this (two letters, on a large site) is matched
  // as a whole word until more letters narrow it.
  var MAX_PARTS = 8;
  // A posting's low bits say which fields hold the word; each field's weight in a score.
  var WEIGHTS = [[1, 6], [2, 3], [4, 2], [8, 1]];
  var loading = null;
  var files = {};

  function tokens(text) {
    return String(text || "")
      .toLowerCase()
      .split(/[^\p{Alphabetic}\p{N}]+/u)
      .filter(function (w) {
        return w.length >= 2;
      });
  }

  function json(path) {
    if (!files[path]) {
      // Revalidated like the manifest: a part keeps its name when a build changes it.
      files[path] = fetch(base + path, { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("search index: HTTP " + r.status);
        return r.json();
      });
      files[path].catch(function () {
        delete files[path];
      });
    }
    return files[path];
  }

  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"), { cache: "no-cache" })
        .then(function (r) {
          if (!r.ok) throw new Error("search index: HTTP " + r.status);
          return r.json();
        })
        .then(function (raw) {
          // The parts and chunks a manifest names are written with it: a new build names
          // new ones, so what was fetched for an older manifest is forgotten.
          files = {};
          return {
            stop: new Set(raw.stop),
            kinds: raw.kinds,
            chunk: raw.chunk,
            words: raw.words,
            records: raw.records,
            keys: raw.parts,
          };
        });
      loading.catch(function () {
        loading = null;
      });
    }
    return loading;
  }

  function hex(key) {
    var out = "";
    new TextEncoder().encode(key).forEach(function (b) {
      out += (b < 16 ? "0" : "") + b.toString(16);
    });
    return out || "_";
  }

  // Whether `a` sorts before `b` by code points, as the manifest's keys are sorted.
  function before(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0);
    }
    return x.length < y.length;
  }

  // Which parts hold the words beginning with `term` (the rule of Split::parts_for): the last
  // part keyed at or before `term`, which holds `term` itself, and the parts whose keys begin
  // with it. Past MAX_PARTS, only the first.
  function partsFor(index, term) {
    var keys = index.keys;
    var lo = 0;
    var hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (before(term, keys[mid])) hi = mid;
      else lo = mid + 1;
    }
    var parts = lo > 0 ? [lo - 1] : [];
    for (var i = lo; i < keys.length && keys[i].indexOf(term) === 0; i++) parts.push(i);
    return parts.length <= MAX_PARTS ? { parts: parts, prefix: true } : { parts: parts.slice(0, 1), prefix: false };
  }

  // Document number → score for one term: per field, 2 for the word itself, 1 for a word
  // it begins.
  function scores(index, term) {
    var want = partsFor(index, term);
    return Promise.all(
      want.parts.map(function (i) {
        return json(index.words + hex(index.keys[i]) + ".json");
      })
    ).then(function (parts) {
      var hits = new Map();
      parts.forEach(function (words) {
        words.forEach(function (w) {
          var word = w[0];
          if (word !== term && !(want.prefix && word.indexOf(term) === 0)) return;
          var strength = word === term ? 2 : 1;
          var number = 0;
          for (var j = 1; j < w.length; j++) {
            number += Math.floor(w[j] / 16);
            var fields = w[j] % 16;
            var h = hits.get(number);
            if (!h) hits.set(number, (h = [0, 0, 0, 0]));
            for (var f = 0; f < WEIGHTS.length; f++) {
              if (fields & WEIGHTS[f][0] && h[f] < strength) h[f] = strength;
            }
          }
        });
      });
      var out = new Map();
      hits.forEach(function (h, number) {
        var s = 0;
        for (var f = 0; f < WEIGHTS.length; f++) s += h[f] * WEIGHTS[f][1];
        out.set(number, s);
      });
      return { scores: out, prefix: want.prefix };
    });
  }

  // The matching documents' numbers, best first (ties in title order, which is number
  // order), and whether every term was matched as a prefix.
  function search(index, query) {
    var terms = tokens(query).filter(function (t) {
      return !index.stop.has(t);
    });
    if (!terms.length) return Promise.resolve({ found: [], prefix: true });
    return Promise.all(
      terms.map(function (t) {
        return scores(index, t);
      })
    ).then(function (each) {
      var total = each[0].scores;
      each.slice(1).forEach(function (e) {
        var next = new Map();
        total.forEach(function (s, number) {
          var more = e.scores.get(number);
          if (more) next.set(number, s + more);
        });
        total = next;
      });
      var found = Array.from(total.keys());
      found.sort(function (a, b) {
        return total.get(b) - total.get(a) || a - b;
      });
      return {
        found: found,
        prefix: each.every(function (e) {
          return e.prefix;
        }),
      };
    });
  }

  // The records of the documents numbered `numbers`, in that order.
  function records(index, numbers) {
    return Promise.all(
      numbers.map(function (n) {
        return json(index.records + Math.floor(n / index.chunk) + ".json").then(function (chunk) {
          var r = chunk[n % index.chunk];
          var kind = index.kinds[r[2]] || ["page", "Page"];
          return {
            title: r[0],
            url: base + r[1],
            kind: kind[0],
            kindLabel: kind[1],
            status: r[3],
            summary: r[4],
          };
        });
      })
    );
  }

  function slug(s) {
    return String(s).replace(/[^\w-]+/g, "-");
  }

  function span(cls, text) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  // Built with textContent only: document text never becomes markup.
  function result(doc, withSummary) {
    var li = document.createElement("li");
    li.className = "search-result";
    var a = document.createElement("a");
    a.href = doc.url;
    a.appendChild(span("kind-badge kind-" + slug(doc.kind), doc.kindLabel));
    a.appendChild(document.createTextNode(" "));
    a.appendChild(span("result-title", doc.title));
    if (doc.status) {
      a.appendChild(document.createTextNode(" "));
      a.appendChild(span("status status-" + slug(doc.status), doc.status));
    }
    if (withSummary && doc.summary) a.appendChild(span("result-summary", doc.summary));
    li.appendChild(a);
    return li;
  }

  function said(n, query, prefix) {
    var more = prefix ? "" : " Type more letters to match longer words too.";
    if (!n) return "No document matches “" + query + "”." + more;
    return (n === 1 ? "1 document matches." : n + " documents match.") + more;
  }

  // The box in the header: a short menu under the field.
  var pending = 0;
  function update() {
    var query = input.value.trim();
    var ticket = ++pending;
    if (!query) {
      close();
      return;
    }
    load()
      .then(function (index) {
        return search(index, query).then(function (result) {
          return records(index, result.found.slice(0, MAX_MENU)).then(function (docs) {
            return { result: result, docs: docs };
          });
        });
      })
      .then(
        function (got) {
          if (ticket !== pending) return;
          var n = got.result.found.length;
          list.textContent = "";
          got.docs.forEach(function (doc) {
            list.appendChild(result(doc, true));
          });
          if (n > MAX_MENU) {
            var li = document.createElement("li");
            li.className = "search-more";
            var a = document.createElement("a");
            a.href = form.getAttribute("action") + "?q=" + encodeURIComponent(query);
            a.textContent = "All " + n + " results";
            li.appendChild(a);
            list.appendChild(li);
          }
          statusLine.textContent = said(n, query, got.result.prefix);
          panel.hidden = false;
        },
        function () {
          if (ticket !== pending) return;
          statusLine.textContent = "Search is unavailable: the index could not be loaded.";
          panel.hidden = false;
        }
      );
  }

  function close() {
    panel.hidden = true;
    list.textContent = "";
    statusLine.textContent = "";
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 80);
  });
  // Coming back to a field that still holds a query shows its results again, unless the
  // reader just closed them with Escape.
  var closing = false;
  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim() && !closing) update();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && !panel.hidden) {
      var first = links()[0];
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === "Escape") {
      if (!panel.hidden) close();
      else input.blur();
    }
  });
  list.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var next = at + (e.key === "ArrowDown" ? 1 : -1);
      if (next < 0) input.focus();
      else if (next < all.length) all[next].focus();
    } else if (e.key === "Escape") {
      close();
      closing = true;
      input.focus();
      closing = false;
    }
  });
  form.addEventListener("focusout", function (e) {
    if (!form.contains(e.relatedTarget)) close();
  });

  // "/" anywhere but in a field jumps to the search box, as on most documentation sites.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  // The results page (/search/?q=…): every match, with summaries.
  var pageList = document.querySelector(".search-page-results");
  if (pageList) {
    var pageInput = document.getElementById("search-page-input");
    var pageStatus = document.querySelector(".search-page-status");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    pageInput.value = query;
    if (query.trim()) {
      pageStatus.textContent = "Searching…";
      load()
        .then(function (index) {
          return search(index, query).then(function (result) {
            return records(index, result.found.slice(0, MAX_PAGE)).then(function (docs) {
              return { result: result, docs: docs };
            });
          });
        })
        .then(
          function (got) {
            var n = got.result.found.length;
            got.docs.forEach(function (doc) {
              pageList.appendChild(result(doc, true));
            });
            pageStatus.textContent =
              said(n, query, got.result.prefix) + (n > MAX_PAGE ? " Showing the first " + MAX_PAGE + "." : "");
          },
          function () {
            pageStatus.textContent = "Search is unavailable: the index could not be loaded.";
          }
        );
    } else {
      pageInput.focus();
    }
  }
})();
