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

// <input type="checkbox" data-select-all="ids" hidden>: ticks every name="ids" box of its form
// (select all on the page for a bulk action). Hidden until this script shows it, since it needs it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (all) {
    var form = all.form || all.closest("form");
    if (!form) {
      return;
    }
    var boxes = function () {
      return Array.prototype.slice.call(
        form.querySelectorAll("input[type=checkbox][name='" + all.getAttribute("data-select-all") + "']")
      );
    };
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) {
        box.checked = all.checked;
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target === all) {
        return;
      }
      var list = boxes();
      var ticked = list.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === list.length && ticked > 0;
      all.indeterminate = ticked > 0 && ticked < list.length;
    });
  });
});
