// Procurement pages. The CSP forbids inline handlers, so elements opt in with data- attributes.
// <button data-print> opens the browser's print dialog (Surat Pesanan, BAST).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target && target.closest && target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
