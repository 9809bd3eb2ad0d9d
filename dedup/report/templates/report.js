// dedup report: renders lists and the side-by-side view from the JSON block, one view at a time.
// Article text is untrusted: it only ever reaches the page through textContent / text nodes.
(function () {
  "use strict";
  var errors = [];
  window.addEventListener("error", function (event) {
    errors.push(String(event.message));
    document.documentElement.setAttribute("data-errors", String(errors.length));
  });

  var parseStart = performance.now();
  var DATA = JSON.parse(document.getElementById("dedup-data").textContent);
  var parseMs = performance.now() - parseStart;
  var PAGE = 50;
  var docs = DATA.docs;
  var pairs = DATA.pairs;
  var views = { overview: byId("overview"), list: byId("list"), detail: byId("detail") };
  var pairByDocs = {};
  var pairsOfDoc = {};
  pairs.forEach(function (pair, n) {
    pairByDocs[pair.a + "," + pair.b] = n;
    pairByDocs[pair.b + "," + pair.a] = n;
    (pairsOfDoc[pair.a] = pairsOfDoc[pair.a] || []).push(n);
    (pairsOfDoc[pair.b] = pairsOfDoc[pair.b] || []).push(n);
  });

  function byId(id) { return document.getElementById(id); }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined) return;
      if (key === "text") node.textContent = value;
      else if (key === "cls") node.className = value;
      else node.setAttribute(key, String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function link(href, text) { return el("a", { href: href, text: text }); }
  function percent(share) { return Math.round(share * 100) + "%"; }
  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }
  function excerpt(text, size) { return text.length <= size ? text : text.slice(0, size - 1) + "…"; }

  function docLabel(i) {
    var doc = docs[i];
    var parts = [doc.id];
    if (doc.source) parts.push(doc.source);
    if (doc.published) parts.push(doc.published);
    return parts.join(" · ");
  }

  function docLink(i) { return link("#doc/" + i, docLabel(i)); }

  function bar(share) {
    var fill = el("span");
    fill.style.width = (share * 100).toFixed(1) + "%";
    return el("span", { cls: "bar" }, [fill]);
  }

  function table(headers, rows) {
    var head = el("tr", null, headers.map(function (h) { return el("th", { text: h }); }));
    return el("table", null, [el("thead", null, [head]), el("tbody", null, rows)]);
  }

  function cell(content, cls) {
    return el("td", { cls: cls }, [typeof content === "string" ? content : content]);
  }

  // A list route is "#NAME/PAGE" or, filtered, "#NAME/PAGE/FILTER": the filter lives in the
  // address, so paging, the back button and a shared link keep it.
  function listRoute(base, page, filter) {
    return "#" + base + "/" + page + (filter ? "/" + encodeURIComponent(filter) : "");
  }

  function pager(base, page, total, filter) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    return el("div", { cls: "pager" }, [
      page > 1 ? link(listRoute(base, page - 1, filter), "« previous") : null,
      el("span", { text: "page " + page + " of " + pages + " (" + total + ")" }),
      page < pages ? link(listRoute(base, page + 1, filter), "next »") : null,
    ]);
  }

  function show(name, nodes) {
    Object.keys(views).forEach(function (key) { views[key].hidden = key !== name; });
    if (name !== "overview") {
      views[name].replaceChildren.apply(views[name], nodes);
    }
    window.scrollTo(0, 0);
  }

  // --- lists ------------------------------------------------------------------------------

  function clusterList(page) {
    var clusters = DATA.clusters;
    var rows = clusters.slice((page - 1) * PAGE, page * PAGE).map(function (cluster, k) {
      var n = (page - 1) * PAGE + k;
      var top = cluster.docs.reduce(function (a, b) { return b[1] > a[1] ? b : a; });
      return el("tr", null, [
        cell(link("#cluster/" + n, "cluster " + (n + 1))),
        cell(String(cluster.docs.length), "num"),
        cell(cluster.origin === null ? el("span", { cls: "muted", text: "unknown" }) : el("span", null, ["★ ", docLabel(cluster.origin)])),
        cell(docLabel(top[0]) + " " + percent(top[1])),
        cell(String(cluster.passages.length), "num"),
      ]);
    });
    return [
      el("h2", { text: plural(clusters.length, "syndication cluster") }),
      table(["cluster", "documents", "likely origin", "most covered", "passages"], rows),
      pager("clusters", page, clusters.length),
    ];
  }

  function pairRows(indices) {
    return indices.map(function (n) {
      var pair = pairs[n];
      var reused = pair.matches.filter(function (m) { return !m.boilerplate; }).length;
      return el("tr", null, [
        cell(link("#pair/" + n, docLabel(pair.a))),
        cell(docLabel(pair.b)),
        cell(String(reused), "num"),
        cell(String(pair.chars), "num"),
        cell(pair.jaccard === null ? "" : pair.jaccard.toFixed(2), "num"),
      ]);
    });
  }

  function pairList(page, filter) {
    var wanted = (filter || "").toLowerCase();
    var indices = [];
    pairs.forEach(function (pair, n) {
      if (!wanted || (docLabel(pair.a) + " " + docLabel(pair.b)).toLowerCase().indexOf(wanted) >= 0) indices.push(n);
    });
    var input = el("input", { cls: "filter", type: "search", placeholder: "filter by document or source", "aria-label": "filter" });
    input.value = filter || "";
    var body = el("div", null, [
      table(["document a", "document b", "passages", "shared characters", "Jaccard"], pairRows(indices.slice((page - 1) * PAGE, page * PAGE))),
      pager("pairs", page, indices.length, filter),
    ]);
    input.addEventListener("input", function () {
      var fresh = pairList(1, input.value)[2];
      body.replaceWith(fresh);
      body = fresh;
      history.replaceState(null, "", listRoute("pairs", 1, input.value));  // no hashchange: keeps focus
    });
    return [el("h2", { text: plural(pairs.length, "matched pair") }), input, body];
  }

  function passageOccurrences(passage, anchor) {
    return el("ul", null, passage.spans.map(function (span, k) {
      var doc = span[0];
      var label = (k === passage.origin ? "★ " : "") + docLabel(doc);
      var partner = anchor === doc ? null : pairByDocs[anchor + "," + doc];
      var item = [link("#doc/" + doc, label), " (" + span[1] + "–" + span[2] + ")"];
      if (partner !== undefined && partner !== null) {
        item.push(" · ", link("#pair/" + partner + "/" + matchAt(partner, doc, span[1], span[2]), "side by side with " + docs[anchor].id));
      }
      return el("li", null, item);
    }));
  }

  function boilerplateList(page) {
    var items = DATA.boilerplate.slice((page - 1) * PAGE, page * PAGE).map(function (passage) {
      var sources = {};
      passage.spans.forEach(function (span) { if (docs[span[0]].source) sources[docs[span[0]].source] = true; });
      return el("div", { cls: "passage boilerplate" }, [
        el("blockquote", { text: excerpt(passage.text, 400) }),
        el("div", { cls: "muted", text: plural(passage.spans.length, "occurrence") + " · " + Object.keys(sources).sort().join(", ") }),
      ]);
    });
    return [
      el("h2", { text: plural(DATA.boilerplate.length, "boilerplate passage") }),
      el("p", { cls: "muted", text: "Text a source repeats across its own documents (site furniture); left out of coverage and clusters." }),
    ].concat(items, [pager("boilerplate", page, DATA.boilerplate.length)]);
  }

  function draftList(page) {
    var rows = DATA.drafts.slice((page - 1) * PAGE, page * PAGE).map(function (draft) {
      return el("tr", null, [
        cell(docLink(draft.doc)),
        cell(el("span", null, [bar(draft.share)])),
        cell(percent(draft.share), "num"),
        cell(String(draft.pairs.length), "num"),
      ]);
    });
    return [
      el("h2", { text: plural(DATA.drafts.length, "draft") }),
      table(["draft", "borrowed", "", "archive documents"], rows),
      pager("drafts", page, DATA.drafts.length),
    ];
  }

  // --- details ----------------------------------------------------------------------------

  function clusterDetail(n) {
    var cluster = DATA.clusters[n];
    if (!cluster) return notFound("cluster " + (n + 1));
    var anchor = cluster.origin !== null ? cluster.origin : cluster.docs[0][0];
    var rows = cluster.docs.map(function (entry) {
      var doc = docs[entry[0]];
      var partner = entry[0] === anchor ? undefined : pairByDocs[anchor + "," + entry[0]];
      return el("tr", null, [
        cell(el("span", null, [entry[0] === cluster.origin ? el("span", { cls: "origin", text: "★ ", title: "likely origin" }) : null, docLink(entry[0])])),
        cell(doc.title || ""),
        cell(el("span", null, [bar(entry[1])])),
        cell(percent(entry[1]), "num"),
        cell(partner === undefined ? "" : link("#pair/" + partner, "side by side")),
      ]);
    });
    var passages = cluster.passages.map(function (p) {
      var passage = DATA.passages[p];
      return el("div", { cls: "passage", id: "passage-" + p }, [
        el("blockquote", { text: excerpt(passage.text, 600) }),
        passageOccurrences(passage, anchor),
      ]);
    });
    return [
      el("h2", { text: "Cluster " + (n + 1) + ": " + plural(cluster.docs.length, "document") }),
      table(["document", "title", "coverage", "", ""], rows),
      el("h3", { text: plural(passages.length, "reused passage") }),
    ].concat(passages);
  }

  function matchAt(n, doc, start, end) {
    var pair = pairs[n];
    var side = pair.a === doc ? "a" : "b";
    for (var m = 0; m < pair.matches.length; m++) {
      var span = pair.matches[m][side];
      if (span[0] < end && start < span[1]) return m;
    }
    return 0;
  }

  // Paints text into node with marks: [{start, end, edits: [[s, e]], boiler, key, data}] sorted by start.
  function paint(node, text, marks) {
    var frag = document.createDocumentFragment();
    var pos = 0;
    marks.forEach(function (mark) {
      var start = Math.max(mark.start, pos);
      var end = mark.end;
      if (end <= start) return;
      if (start > pos) frag.appendChild(document.createTextNode(text.slice(pos, start)));
      var box = el("mark", { cls: mark.boiler ? "shared boiler" : "shared", id: mark.id, "data-m": mark.m, "data-pair": mark.pair, title: mark.title });
      var at = start;
      mark.edits.forEach(function (edit) {
        var from = Math.max(edit[0], at);
        var to = Math.min(edit[1], end);
        if (to <= from) return;
        if (from > at) box.appendChild(document.createTextNode(text.slice(at, from)));
        box.appendChild(el("span", { cls: "edit", text: text.slice(from, to) }));
        at = to;
      });
      if (at < end) box.appendChild(document.createTextNode(text.slice(at, end)));
      frag.appendChild(box);
      pos = end;
    });
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    node.replaceChildren(frag);
  }

  function meta(i) {
    var doc = docs[i];
    var lines = [el("h3", null, [docLink(i)])];
    if (doc.title) lines.push(el("div", { text: doc.title }));
    if (doc.url && /^https?:\/\//i.test(doc.url)) {
      lines.push(el("div", null, [el("a", { href: doc.url, text: doc.url, rel: "noopener noreferrer", target: "_blank" })]));
    } else if (doc.url) {
      lines.push(el("div", { cls: "muted", text: doc.url }));
    }
    return lines;
  }

  function pairDetail(n, focus) {
    var pair = pairs[n];
    if (!pair) return notFound("pair " + n);
    var panes = { a: el("div", { cls: "text", id: "pane-a-text" }), b: el("div", { cls: "text", id: "pane-b-text" }) };
    ["a", "b"].forEach(function (side) {
      var other = side === "a" ? "b" : "a";
      var text = docs[pair[side]].text || "";
      paint(panes[side], text, pair.matches.map(function (match, m) {
        return {
          start: match[side][0], end: match[side][1], boiler: match.boilerplate, m: m, id: side + "-m" + m,
          title: (match.boilerplate ? "boilerplate · " : "") + "similarity " + match.similarity.toFixed(2) + " · click to see it in the other text",
          edits: match.edits.map(function (e) { return side === "a" ? [e[0], e[1]] : [e[2], e[3]]; }),
        };
      }).sort(function (x, y) { return x.start - y.start; }));
      panes[side].addEventListener("click", function (event) {
        var mark = event.target.closest("mark.shared");
        if (mark) go(Number(mark.getAttribute("data-m")), other);
      });
    });
    var current = -1;
    var position = el("span", { cls: "muted" });
    function go(m, first) {
      if (m < 0 || m >= pair.matches.length) return;
      current = m;
      position.textContent = "passage " + (m + 1) + " of " + pair.matches.length;
      document.querySelectorAll("mark.current").forEach(function (x) { x.classList.remove("current"); });
      (first === "b" ? ["b", "a"] : ["a", "b"]).forEach(function (side) {
        var mark = byId(side + "-m" + m);
        if (!mark) return;
        mark.classList.add("current");
        mark.classList.remove("flash");
        void mark.offsetWidth;
        mark.classList.add("flash");
        var pane = mark.closest(".text");  // scroll inside the pane only, so the page stays put
        pane.scrollTop = mark.offsetTop - pane.clientHeight / 2 + mark.offsetHeight / 2;
      });
      history.replaceState(null, "", "#pair/" + n + "/" + m);
    }
    var steps = el("div", { cls: "steps" }, [
      el("button", { type: "button", id: "prev-passage", text: "◀ previous passage" }),
      el("button", { type: "button", id: "next-passage", text: "next passage ▶" }),
      position,
    ]);
    steps.children[0].addEventListener("click", function () { go(current - 1); });
    steps.children[1].addEventListener("click", function () { go(current + 1); });
    var list = el("ol", { cls: "matches" }, pair.matches.map(function (match, m) {
      var item = link("#pair/" + n + "/" + m, (m + 1) + ". " + (match.a[1] - match.a[0]) + " chars · " + match.similarity.toFixed(2) + (match.boilerplate ? " · boilerplate" : ""));
      item.addEventListener("click", function (event) { event.preventDefault(); go(m); });
      return el("li", null, [item]);
    }));
    var summary = plural(pair.matches.filter(function (m) { return !m.boilerplate; }).length, "shared passage");
    if (pair.jaccard !== null) summary += " · near-duplicates, Jaccard " + pair.jaccard.toFixed(2);
    var nodes = [
      el("h2", { text: docs[pair.a].id + " and " + docs[pair.b].id }),
      el("p", { cls: "muted", text: summary }),
      list,
      steps,
      el("div", { cls: "panes" }, [
        el("div", { cls: "pane", id: "pane-a" }, meta(pair.a).concat([panes.a])),
        el("div", { cls: "pane", id: "pane-b" }, meta(pair.b).concat([panes.b])),
      ]),
    ];
    return { nodes: nodes, after: function () { if (pair.matches.length) go(focus === null ? 0 : focus); } };
  }

  function docDetail(i) {
    var doc = docs[i];
    if (!doc) return notFound("document " + i);
    var mine = pairsOfDoc[i] || [];
    var marks = [];
    mine.forEach(function (n) {
      var pair = pairs[n];
      var side = pair.a === i ? "a" : "b";
      var other = side === "a" ? pair.b : pair.a;
      pair.matches.forEach(function (match, m) {
        marks.push({
          start: match[side][0], end: match[side][1], boiler: match.boilerplate, m: m, pair: n,
          title: "also in " + docLabel(other) + " · click to compare",
          edits: [],
        });
      });
    });
    marks.sort(function (x, y) { return x.start - y.start || x.end - y.end; });
    var text = el("div", { cls: "text", id: "doc-text" });
    if (doc.text === null) text.appendChild(el("span", { cls: "muted", text: "Nothing of this document is shared, so its text is not in the report." }));
    else paint(text, doc.text, marks);
    text.addEventListener("click", function (event) {
      var mark = event.target.closest("mark.shared");
      if (mark) location.hash = "#pair/" + mark.getAttribute("data-pair") + "/" + mark.getAttribute("data-m");
    });
    var head = [el("h2", { text: doc.id })];
    var draft = DATA.drafts ? DATA.drafts.filter(function (d) { return d.doc === i; })[0] : null;
    if (draft) {
      head.push(el("p", null, [el("strong", { text: percent(draft.share) + " borrowed" }), " from " + plural(draft.pairs.length, "archive document") + (draft.capped ? " (some candidates were not examined)" : "")]));
    }
    var others = el("ul", null, mine.map(function (n) {
      var pair = pairs[n];
      var other = pair.a === i ? pair.b : pair.a;
      var reused = pair.matches.filter(function (m) { return !m.boilerplate; }).length;
      return el("li", null, [link("#pair/" + n, docLabel(other)), " · " + plural(reused, "shared passage") + (pair.jaccard !== null ? " · near-duplicate " + pair.jaccard.toFixed(2) : "")]);
    }));
    return head.concat([
      el("h3", { text: DATA.kind === "check" ? "Archive documents holding its passages" : "Documents it shares text with" }),
      others,
      el("div", { cls: "pane doc" }, meta(i).concat([text])),
    ]);
  }

  function notFound(what) { return [el("p", { cls: "empty", text: "There is no " + what + " in this report." })]; }

  // --- routing ----------------------------------------------------------------------------

  function route() {
    var parts = location.hash.replace(/^#/, "").split("/");
    var name = parts[0] || "overview";
    var a = parts.length > 1 ? parseInt(parts[1], 10) : NaN;
    var b = parts.length > 2 ? parseInt(parts[2], 10) : NaN;
    var page = isNaN(a) || a < 1 ? 1 : a;
    if (name === "clusters" && DATA.clusters) show("list", clusterList(page));
    else if (name === "pairs") show("list", pairList(page, decodeURIComponent(parts.slice(2).join("/"))));
    else if (name === "boilerplate" && DATA.boilerplate) show("list", boilerplateList(page));
    else if (name === "drafts" && DATA.drafts) show("list", draftList(page));
    else if (name === "cluster" && DATA.clusters) show("detail", clusterDetail(a - 1));
    else if (name === "doc") show("detail", docDetail(a));
    else if (name === "pair") {
      var view = pairDetail(a, isNaN(b) ? null : b);
      if (Array.isArray(view)) show("detail", view);
      else { show("detail", view.nodes); view.after(); }
    } else show("overview", []);
  }

  function overviewExtras() {
    var box = byId("overview-more");
    var nodes = [];
    if (DATA.kind === "scan" && DATA.clusters.length) {
      nodes.push(el("h3", { text: "Largest clusters" }));
      nodes = nodes.concat(clusterList(1).slice(1, 2));
    }
    if (DATA.kind === "check") nodes = nodes.concat(draftList(1));
    box.replaceChildren.apply(box, nodes);
  }

  window.addEventListener("hashchange", route);
  overviewExtras();
  route();
  document.documentElement.setAttribute("data-parse-ms", String(Math.round(parseMs)));
  document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));
})();
