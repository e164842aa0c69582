// stemma serve: click a node of the provenance graph to see the sentences behind it.
// Everything is written with textContent: article text never becomes markup.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("node-sentences");
  var panel = document.getElementById("node-panel");
  if (!data || !panel) return;
  var sentences = JSON.parse(data.textContent);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function show(node) {
    var id = node.getAttribute("data-node");
    var title = node.querySelector("title");
    document.querySelectorAll("svg g.node.selected").forEach(function (n) { n.classList.remove("selected"); });
    node.classList.add("selected");
    panel.replaceChildren();
    panel.appendChild(el("h3", title ? title.textContent : id));
    if (id.indexOf("article:") === 0) {
      var link = el("a", "Open the article");
      link.href = "/articles/" + encodeURIComponent(id.slice(8));
      panel.appendChild(link);
    }
    var items = sentences[id] || [];
    if (!items.length) { panel.appendChild(el("p", "No sentence recorded for this node.", "muted")); return; }
    var list = el("ul");
    items.forEach(function (s) {
      var li = el("li");
      li.appendChild(el("div", s.edge, "muted"));
      li.appendChild(el("q", s.text));
      list.appendChild(li);
    });
    panel.appendChild(list);
  }

  document.querySelectorAll("svg g.node[data-node]").forEach(function (node) {
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.addEventListener("click", function () { show(node); });
    node.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(node); }
    });
  });
});
