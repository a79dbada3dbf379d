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
})();
