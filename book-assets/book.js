// Colours the Swift blocks with highlight.js (Debian's libjs-highlight.js, copied beside this file by
// `book render`). Without scripts the code is plain text; nothing else depends on this file.
document.querySelectorAll("pre code.language-swift").forEach(function (block) {
  hljs.highlightBlock(block);
});
