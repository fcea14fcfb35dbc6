// Colours the Swift blocks with highlight.js (Debian's libjs-highlight.js, copied beside this file by
// `book render`). Without scripts the code is plain text; nothing else depends on this file.
// highlightElement is the call from highlight.js 10.7 on; highlightBlock the one of Debian 12's 9.18.
(function () {
  var highlight = (hljs.highlightElement || hljs.highlightBlock).bind(hljs);
  document.querySelectorAll("pre code.language-swift").forEach(function (block) {
    highlight(block);
  });
})();

// Marks, in the sidebar's table of contents, the section being read.
(function () {
  var links = {};
  document.querySelectorAll(".sidebar .toc a[href^='#']").forEach(function (link) {
    links[decodeURIComponent(link.getAttribute("href").slice(1))] = link;
  });
  var headings = Array.prototype.filter.call(document.querySelectorAll("article h2[id], article h3[id]"),
    function (heading) { return links[heading.id]; });
  var current = null;
  function mark() {
    var reading = null;
    for (var i = 0; i < headings.length && headings[i].getBoundingClientRect().top <= 96; i++) reading = headings[i];
    var link = reading ? links[reading.id] : null;
    if (link === current) return;
    if (current) current.classList.remove("reading");
    if (link) link.classList.add("reading");
    current = link;
  }
  if (headings.length) {
    window.addEventListener("scroll", mark, { passive: true });
    mark();
  }
})();
