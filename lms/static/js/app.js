/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // Move focus to the flash message after a redirect so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var flash = document.querySelector(".flashes");
    if (flash) { flash.setAttribute("tabindex", "-1"); }
  });
})();
