// Cairn default theme script. Pages work without it; it only adds conveniences.
(function () {
  "use strict";
  // Clicking a heading's "#" copies the section's address as well as following it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    navigator.clipboard.writeText(link.href).catch(function () {});
  });
})();
