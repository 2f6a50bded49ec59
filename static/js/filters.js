/* The shared filter bar: choosing a region reloads the page with the region's units (and clears
   a unit chosen from another region). A file, not an inline handler: the CSP allows no inline script. */
(function () {
  var selects = document.querySelectorAll("select[data-submit-clearing]");
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () {
      var other = select.form.elements[select.getAttribute("data-submit-clearing")];
      if (other) { other.value = ""; }
      select.form.submit();
    });
  });
})();
