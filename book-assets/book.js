// Colours the Swift blocks with highlight.js (Debian's libjs-highlight.js, copied beside this file by
// `book render`). Without scripts the code is plain text; nothing else depends on this file.
// highlightElement is the call from highlight.js 10.7 on; highlightBlock the one of Debian 12's 9.18.
(function () {
  var highlight = (hljs.highlightElement || hljs.highlightBlock).bind(hljs);
  document.querySelectorAll("pre code.language-swift").forEach(function (block) {
    highlight(block);
  });
})();
