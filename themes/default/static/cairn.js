// Cairn default theme script. Pages work without it; it only adds conveniences.
(function () {
  "use strict";
  // Clicking a heading's "#" copies the section's address as well as following it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    navigator.clipboard.writeText(link.href).catch(function () {});
  });
  // The status summary in the header admits it when the checks have not run for too long.
  var status = document.querySelector(".status-summary[data-generated]");
  if (status) {
    var generated = Date.parse(status.getAttribute("data-generated"));
    var limit = Number(status.getAttribute("data-stale-after")) * 1000;
    if (!isNaN(generated) && limit > 0 && Date.now() - generated > limit) {
      status.classList.add("status-stale");
      status.textContent = "Status: stale, checks not run since " + status.getAttribute("data-generated").slice(0, 10);
    }
  }
})();
