// Cairn offline search. Loads the index written at build time (search.json, next to the
// site's home page) on first use and searches it in the browser; nothing leaves the page.
// Index shape: see src/search.rs. Queries are split exactly as the index was built: runs
// of letters and digits, lower-cased, at least two characters, stop words dropped. Every
// term must match; a term matches a word it begins, so "migr" finds "migration".
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
  var loading = null;

  function tokens(text) {
    return String(text || "")
      .toLowerCase()
      .split(/[^\p{Alphabetic}\p{N}]+/u)
      .filter(function (w) {
        return w.length >= 2;
      });
  }

  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"), { cache: "no-cache" })
        .then(function (r) {
          if (!r.ok) throw new Error("search index: HTTP " + r.status);
          return r.json();
        })
        .then(function (raw) {
          return {
            stop: new Set(raw.stop),
            docs: raw.docs.map(function (d) {
              var kind = raw.kinds[d.k] || ["page", "Page"];
              return {
                title: d.t,
                url: base + d.u,
                kind: kind[0],
                kindLabel: kind[1],
                status: d.s || "",
                summary: d.d || "",
                inTitle: " " + tokens(d.t).join(" "),
                inTags: " " + tokens((d.g || []).join(" ")).join(" "),
                inSummary: " " + tokens(d.d).join(" "),
                inBody: " " + d.w,
              };
            }),
          };
        });
      loading.catch(function () {
        loading = null;
      });
    }
    return loading;
  }

  // 2 when `term` is a whole word of `text`, 1 when it starts one, 0 otherwise.
  function hit(text, term) {
    var at = text.indexOf(" " + term);
    while (at >= 0) {
      var end = at + 1 + term.length;
      if (end === text.length || text.charAt(end) === " ") return 2;
      var next = text.indexOf(" " + term, at + 1);
      if (next < 0) return 1;
      at = next;
    }
    return 0;
  }

  function search(index, query) {
    var terms = tokens(query).filter(function (t) {
      return !index.stop.has(t);
    });
    if (!terms.length) return [];
    var found = [];
    index.docs.forEach(function (doc) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        var s =
          hit(doc.inTitle, t) * 6 + hit(doc.inTags, t) * 3 + hit(doc.inSummary, t) * 2 + hit(doc.inBody, t);
        if (!s) return;
        score += s;
      }
      found.push({ doc: doc, score: score });
    });
    found.sort(function (a, b) {
      if (b.score !== a.score) return b.score - a.score;
      return a.doc.title < b.doc.title ? -1 : a.doc.title > b.doc.title ? 1 : 0;
    });
    return found.map(function (f) {
      return f.doc;
    });
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

  function said(n, query) {
    if (!n) return "No document matches “" + query + "”.";
    return n === 1 ? "1 document matches." : n + " documents match.";
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
    load().then(
      function (index) {
        if (ticket !== pending) return;
        var docs = search(index, query);
        list.textContent = "";
        docs.slice(0, MAX_MENU).forEach(function (doc) {
          list.appendChild(result(doc, true));
        });
        if (docs.length > MAX_MENU) {
          var li = document.createElement("li");
          li.className = "search-more";
          var a = document.createElement("a");
          a.href = form.getAttribute("action") + "?q=" + encodeURIComponent(query);
          a.textContent = "All " + docs.length + " results";
          li.appendChild(a);
          list.appendChild(li);
        }
        statusLine.textContent = said(docs.length, query);
        panel.hidden = false;
      },
      function () {
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
      load().then(
        function (index) {
          var docs = search(index, query);
          docs.slice(0, MAX_PAGE).forEach(function (doc) {
            pageList.appendChild(result(doc, true));
          });
          pageStatus.textContent =
            said(docs.length, query) + (docs.length > MAX_PAGE ? " Showing the first " + MAX_PAGE + "." : "");
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
