/* papershelf: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  function addCopyButtons(root) {
    root.querySelectorAll(".papershelf-bibtex").forEach(function (box) {
      if (box.querySelector(".papershelf-copy") || !navigator.clipboard) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "papershelf-copy md-button";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        var code = box.querySelector("code");
        navigator.clipboard.writeText(code ? code.textContent : "").then(function () {
          button.textContent = "Copied";
        });
      });
      box.appendChild(button);
    });
  }

  function init() { addCopyButtons(document); }

  // Material's instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
