// Printable dossier forms: show the Print button (hidden without JavaScript, where the browser's
// own print command does the same) and print on click. No inline handlers (strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
