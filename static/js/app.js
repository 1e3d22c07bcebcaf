// Site-wide behaviour without inline handlers: the Content-Security-Policy forbids inline
// script and on* attributes, so templates mark elements with data- attributes instead.

// <select data-autosubmit> submits its form when changed (language switcher, sort order).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});

// <details data-open-min-width="900px"> starts open on screens at least that wide (filter panel).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("details[data-open-min-width]").forEach(function (el) {
    if (window.matchMedia("(min-width: " + el.getAttribute("data-open-min-width") + ")").matches) {
      el.open = true;
    }
  });
});

// The ☰ menu below 900 px: a real button (reachable by keyboard and announced by screen readers)
// that opens and closes the navigation it controls; Escape closes it and returns focus.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.nav-toggle[aria-controls]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      if (!open) {
        var first = menu.querySelector("a, button");
        if (first) {
          first.focus();
        }
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
});
