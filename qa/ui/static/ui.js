// Click-to-source for the chat UI: no network, no framework, one delegated listener.
// A link to "#qa:<doc>:<paragraph>:<start>:<end>" (a citation marker or a source entry)
// scrolls the article pane to that paragraph, wraps the quoted words in <mark> and moves the
// keyboard focus there (Enter on a focused link is a click, so the keyboard works the same).
// "Copy as Markdown" copies the hidden <pre class="qa-md"> of its own answer.
// With several documents the pane shows one at a time: a citation switches it to the cited
// document, and window.qaShowDoc(doc) (the "Search in" selector) to the chosen one.
(function () {
  "use strict";
  if (window.__qaUiInstalled) return;
  window.__qaUiInstalled = true;

  function clearHighlight() {
    document.querySelectorAll(".qa-para.qa-active").forEach(function (para) {
      para.classList.remove("qa-active");
      var text = para.querySelector(".qa-ptext");
      if (text) text.textContent = text.textContent; // drops the <mark>, keeps the words
    });
  }

  // Python offsets count code points; Array.from splits a string the same way.
  function markRange(span, start, end, quote) {
    var chars = Array.from(span.textContent);
    if (quote && chars.slice(start, end).join("") !== quote) {
      var at = span.textContent.indexOf(quote);
      if (at < 0) return null;
      start = Array.from(span.textContent.slice(0, at)).length;
      end = start + Array.from(quote).length;
    }
    if (!(start >= 0 && end > start && end <= chars.length)) return null;
    var mark = document.createElement("mark");
    mark.className = "qa-hit";
    mark.textContent = chars.slice(start, end).join("");
    span.textContent = "";
    span.append(chars.slice(0, start).join(""), mark, chars.slice(end).join(""));
    return mark;
  }

  // Scroll the article pane, not the page, unless the pane itself is off screen (phones).
  function reveal(element) {
    var pane = element.closest(".qa-article");
    if (!pane) { element.scrollIntoView({ block: "center" }); return; }
    var offset = element.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    var top = pane.scrollTop + offset - (pane.clientHeight - element.offsetHeight) / 2;
    pane.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
    var box = pane.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      pane.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function showDoc(doc) {
    var docs = document.querySelectorAll("#qa-article .qa-doc");
    var target = null;
    docs.forEach(function (article) { if (article.dataset.doc === doc) target = article; });
    if (!target) return null; // "All documents", or unknown: keep the one shown
    docs.forEach(function (article) { article.hidden = article !== target; });
    return target;
  }
  window.qaShowDoc = function (doc) {
    var shown = showDoc(doc);
    var pane = shown && shown.closest(".qa-article");
    if (pane) pane.scrollTop = 0;
  };

  function showSource(link) {
    var parts = link.getAttribute("href").slice(4).split(":");
    var anchor = decodeURIComponent(parts[0]) + "#p" + parts[1];
    var para = document.querySelector('.qa-para[data-anchor="' + CSS.escape(anchor) + '"]');
    if (!para) return;
    showDoc(decodeURIComponent(parts[0]));
    clearHighlight();
    para.classList.add("qa-active");
    // The quote, to check the offsets against: a source holds it in its <mark>; a marker
    // borrows it from the source with the same target in its own answer.
    var source = link.classList.contains("qa-cite")
      ? (link.closest(".qa-answer") || document).querySelector(
        'a.qa-source[href="' + CSS.escape(link.getAttribute("href")) + '"]')
      : link;
    var mark = source ? source.querySelector("mark") : null;
    var quote = mark ? mark.textContent : null;
    var span = para.querySelector(".qa-ptext");
    var hit = span ? markRange(span, Number(parts[2]), Number(parts[3]), quote) : null;
    var target = hit || para;
    target.setAttribute("tabindex", "-1"); // focusable by script, not a Tab stop
    target.focus({ preventScroll: true });
    reveal(target);
  }

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { area.remove(); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#qa:"]');
    if (link) {
      event.preventDefault();
      event.stopPropagation();
      showSource(link);
      return;
    }
    var pageLink = event.target.closest('a[href^="#qa-page:"]');
    if (pageLink) {  // the page itself, drawn by the server: hand the request to Gradio
      event.preventDefault();
      var request = document.querySelector("#qa-page-request textarea");
      if (request) {
        request.value = pageLink.getAttribute("href").slice(9) + ":" + Date.now();
        request.dispatchEvent(new Event("input", { bubbles: true }));
      }
      return;
    }
    if (event.target.closest("button.qa-page-close")) {
      var figure = event.target.closest("figure.qa-page");
      if (figure) figure.remove();
      return;
    }
    if (event.target.closest("a.qa-skip")) {  // the skip link: to the question box at once
      event.preventDefault();
      var box = document.querySelector("#qa-question textarea");
      if (box) { box.scrollIntoView({block: "center"}); box.focus(); }
      return;
    }
    var copy = event.target.closest("button.qa-copy");
    if (copy) {
      var answer = copy.closest(".qa-answer");
      var md = answer && answer.querySelector(".qa-md");
      if (md) copyText(md.textContent, copy);
      return;
    }
    if (event.target.closest(".qa-new-chat")) clearHighlight();
  }, true);

  // The chat's sanitiser drops aria-* from answers: give each marker its accessible name
  // ("Source 1: paragraph 11 of …") from its title, as answers appear.
  function nameMarkers() {
    document.querySelectorAll("a.qa-cite[title]:not([aria-label])").forEach(function (a) {
      a.setAttribute("aria-label", a.getAttribute("title"));
    });
  }
  new MutationObserver(nameMarkers).observe(document.documentElement,
    { subtree: true, childList: true });
})();
