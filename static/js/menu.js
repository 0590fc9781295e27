/* The header on phones: the search box, the account menu and the main menu
   fold behind the "Menu" button, so that a page starts with its content.
   Without JavaScript, or on a wider screen, the button stays hidden and
   everything shows. The button says whether the menu is open
   (aria-expanded); Escape closes it and gives the focus back. */
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-toggle");
  if (!button || !window.matchMedia) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  var parts = ["header-search-area", "account-menu", "main-menu"].filter(function (id) {
    return document.getElementById(id);
  });
  button.setAttribute("aria-controls", parts.join(" "));

  function show(open) {
    header.classList.toggle("menu-closed", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function fit() {
    button.hidden = !narrow.matches;
    show(!narrow.matches);
  }

  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      show(false);
      button.focus();
    }
  });
  if (narrow.addEventListener) {
    narrow.addEventListener("change", fit);
  }
  fit();
})();
