// Suggestions under the header's search box while typing (GET /api/v1/search/suggest).
// Progressive enhancement: without this script the box is a plain form that submits to the listing.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search[data-suggest]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = document.createElement("ul");
  var cache = new Map();
  var timer = null, active = -1, latest = "";
  list.id = "site-q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    // A lookup still on its way must not open the list again once the buyer closed it.
    clearTimeout(timer);
    latest = null;
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show(items) {
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      li.id = "site-q-suggestion-" + i;
      li.setAttribute("role", "option");
      a.href = item.url;
      a.textContent = item.name;
      a.tabIndex = -1;
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!items.length) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(i) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (i + options.length) % options.length;
    options.forEach(function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  function lookup() {
    var q = input.value.trim();
    latest = q;
    if (!q) return close();
    if (cache.has(q)) return show(cache.get(q));
    var url = form.getAttribute("data-suggest") + "&q=" + encodeURIComponent(q);
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (body) {
        cache.set(q, body.items || []);
        if (q === latest) show(body.items || []);
      })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);  // one request per pause in typing, not per key
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location.href = list.querySelectorAll("a")[active].href;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 200); });
})();
