// Cairn default theme script. Pages work without it; it only adds conveniences.
// The saved theme is applied by a one-line script in <head>, before the first paint, so the
// page never flashes the wrong colours; this file only wires the button.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "cairn-theme";

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var sync = function () {
      toggle.setAttribute("aria-pressed", isDark() ? "true" : "false");
    };
    sync();
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        localStorage.setItem(KEY, next);
      } catch (e) {
        // Private windows may refuse storage; the choice then lasts for this page only.
      }
      sync();
    });
  }

  // Paper is white: print in the light palette whatever the screen shows.
  var screenTheme = null;
  window.addEventListener("beforeprint", function () {
    screenTheme = root.getAttribute("data-theme");
    root.setAttribute("data-theme", "light");
  });
  window.addEventListener("afterprint", function () {
    if (screenTheme) root.setAttribute("data-theme", screenTheme);
    else root.removeAttribute("data-theme");
  });
  Array.prototype.forEach.call(document.querySelectorAll(".print-button"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      window.print();
    });
  });

  // Clicking a heading's "#" copies the section's address as well as following it, and
  // says so where screen readers hear it.
  var toast = null;
  function announce(text) {
    if (!toast) {
      toast = document.createElement("p");
      toast.className = "toast";
      toast.setAttribute("role", "status");
      document.body.appendChild(toast);
    }
    toast.textContent = text;
    toast.classList.add("is-shown");
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () {
      toast.classList.remove("is-shown");
    }, 1800);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    navigator.clipboard.writeText(link.href).then(
      function () {
        announce("Link copied");
      },
      function () {}
    );
  });
  // The status summary in the header admits it when the checks have not run for too long.
  // The time comes from status.json rather than the page, so pages do not change with every
  // run of the checks (only the status page does).
  var status = document.querySelector(".status-summary[data-status-json]");
  if (status && window.fetch) {
    fetch(status.getAttribute("data-status-json"), { cache: "no-store" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (s) {
        if (!s) return;
        var generated = Date.parse(s.generated_at);
        var limit = Number(s.stale_after_seconds) * 1000;
        if (!isNaN(generated) && limit > 0 && Date.now() - generated > limit) {
          status.classList.add("status-stale");
          status.textContent = "Status: stale, checks not run since " + String(s.generated_at).slice(0, 10);
        }
      })
      .catch(function () {});
  }
  // Link previews: hovering or focusing a link to another document shows its kind, status,
  // title and summary, read from that page itself (fetched once per page, from this site
  // only, as the browser would on a click; the search index is in parts and has no lookup by
  // address). Without JavaScript links are plain links.
  var form = document.querySelector(".site-search[data-index]");
  if (form && window.fetch && window.URL && window.DOMParser) {
    var base = new URL(form.getAttribute("data-base") || "/", location.href);
    var index = {};
    var tip = null;
    var shownFor = null;
    var text = function (page, selector) {
      var el = page.querySelector(selector);
      return el ? el.textContent.trim() : "";
    };
    var load = function (rel) {
      if (!index[rel]) {
        index[rel] = fetch(new URL(rel, base).href, { credentials: "same-origin" })
          .then(function (r) {
            var type = r.headers.get("content-type") || "";
            return r.ok && type.indexOf("text/html") === 0 ? r.text() : "";
          })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var title = text(page, "#doc-title");
            if (!title) return null;
            return {
              title: title,
              kind: text(page, ".eyebrow .kind-badge"),
              status: text(page, ".eyebrow .status"),
              summary: text(page, "#doc-title ~ .summary"),
            };
          })
          .catch(function () {
            return null;
          });
      }
      return index[rel];
    };
    var target = function (link) {
      var u;
      try {
        u = new URL(link.getAttribute("href"), location.href);
      } catch (e) {
        return null;
      }
      if (u.origin !== base.origin || u.pathname.indexOf(base.pathname) !== 0) return null;
      if (u.pathname === location.pathname) return null;
      var rel;
      try {
        rel = decodeURIComponent(u.pathname.slice(base.pathname.length));
      } catch (e) {
        return null;
      }
      return rel;
    };
    var hide = function () {
      if (tip) tip.hidden = true;
      if (shownFor) shownFor.removeAttribute("aria-describedby");
      shownFor = null;
    };
    var show = function (link) {
      var rel = target(link);
      if (rel === null) return;
      load(rel).then(function (doc) {
        if (!doc || (link !== document.activeElement && !link.matches(":hover"))) return;
        if (!tip) {
          tip = document.createElement("div");
          tip.id = "link-preview";
          tip.className = "link-preview";
          tip.setAttribute("role", "tooltip");
          document.body.appendChild(tip);
        }
        tip.textContent = "";
        var meta = document.createElement("p");
        meta.className = "link-preview-meta";
        meta.textContent = doc.kind + (doc.status ? " · " + doc.status : "");
        var title = document.createElement("p");
        title.className = "link-preview-title";
        title.textContent = doc.title;
        tip.appendChild(meta);
        tip.appendChild(title);
        if (doc.summary) {
          var summary = document.createElement("p");
          summary.className = "link-preview-summary";
          summary.textContent = doc.summary;
          tip.appendChild(summary);
        }
        tip.hidden = false;
        var box = link.getBoundingClientRect();
        var width = Math.min(tip.offsetWidth, document.documentElement.clientWidth - 16);
        var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
        tip.style.left = left + window.scrollX + "px";
        tip.style.top = box.bottom + window.scrollY + 6 + "px";
        if (shownFor && shownFor !== link) shownFor.removeAttribute("aria-describedby");
        shownFor = link;
        link.setAttribute("aria-describedby", "link-preview");
      });
    };
    var linkOf = function (event) {
      var a = event.target.closest && event.target.closest("main a[href]");
      return a && !a.closest(".graph-svg, .breadcrumbs") ? a : null;
    };
    // A pointer resting on a link shows its preview after a moment, as browsers show
    // titles; a press (a click on its way) cancels it, and the focus a click gives is not
    // asked for a preview either. Focus from the keyboard shows it at once.
    var timer = null;
    var pressed = false;
    var cancel = function () {
      clearTimeout(timer);
      timer = null;
    };
    document.addEventListener("mousedown", function () {
      cancel();
      pressed = true;
      setTimeout(function () {
        pressed = false;
      }, 0);
    }, true);
    document.addEventListener("mouseover", function (event) {
      var a = linkOf(event);
      if (!a) return;
      cancel();
      timer = setTimeout(function () {
        show(a);
      }, 200);
    });
    document.addEventListener("mouseout", function (event) {
      var a = linkOf(event);
      if (!a) return;
      cancel();
      if (a === shownFor && a !== document.activeElement) hide();
    });
    document.addEventListener("focusin", function (event) {
      var a = linkOf(event);
      if (a && !pressed) show(a);
      else if (!a) hide();
    });
    document.addEventListener("focusout", function (event) {
      if (linkOf(event) === shownFor) hide();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }
})();
