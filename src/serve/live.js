// Live reload for `cairn serve`: reloads the page after a rebuild, and shows the problems of a
// failed rebuild over the page until the next good one. Served by the dev server only.
(function () {
  "use strict";
  var overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(lines) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "cairn-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0b0e;color:#ffe9ea;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
      "border-top:4px solid #ff6b6b;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = "The last rebuild failed; this is the previous version of the site.";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0";
    pre.textContent = lines.join("\n");
    overlay.appendChild(title);
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("/__cairn/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("ok", hide);
  source.addEventListener("errors", function (e) {
    try { show(JSON.parse(e.data)); } catch (err) { show([String(e.data)]); }
  });
})();
