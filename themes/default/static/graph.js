// Cairn relation graph: filters by kind and status, and highlights a node's relations on
// hover or focus. The graph itself is drawn at build time; without this script it is the
// same picture, unfiltered.
(function () {
  "use strict";
  var svg = document.getElementById("relation-graph");
  var form = document.querySelector(".graph-filters");
  if (!svg || !form) return;
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
  var count = form.querySelector(".graph-count");

  function checked(name) {
    var values = new Set();
    Array.prototype.forEach.call(form.querySelectorAll("input[name=" + name + "]"), function (box) {
      if (box.checked) values.add(box.value);
    });
    return values;
  }

  function apply() {
    var kinds = checked("kind");
    var statuses = checked("status");
    var hidden = new Set();
    nodes.forEach(function (n) {
      var off = !kinds.has(n.getAttribute("data-kind")) || !statuses.has(n.getAttribute("data-status"));
      n.classList.toggle("is-hidden", off);
      if (off) hidden.add(n.getAttribute("data-id"));
    });
    edges.forEach(function (e) {
      var off = hidden.has(e.getAttribute("data-from")) || hidden.has(e.getAttribute("data-to"));
      e.classList.toggle("is-hidden", off);
    });
    count.textContent = "Showing " + (nodes.length - hidden.size) + " of " + nodes.length + " documents.";
  }

  function focusOn(node) {
    var id = node ? node.getAttribute("data-id") : null;
    svg.classList.toggle("has-focus", !!id);
    edges.forEach(function (e) {
      var on = id && (e.getAttribute("data-from") === id || e.getAttribute("data-to") === id);
      e.classList.toggle("is-active", !!on);
    });
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
  svg.addEventListener("mouseover", function (e) {
    focusOn(e.target.closest(".node"));
  });
  svg.addEventListener("mouseleave", function () {
    focusOn(null);
  });
  svg.addEventListener("focusin", function (e) {
    focusOn(e.target.closest(".node"));
  });
  svg.addEventListener("focusout", function () {
    focusOn(null);
  });
})();
