// Progressive enhancement only: every page works without this file.
// Move focus to the error summary when a form comes back with errors (the markup also carries
// `autofocus`; this covers browsers that ignore it on non-form elements).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
