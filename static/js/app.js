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
