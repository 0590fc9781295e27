/* A department list that follows the region list of its form: once a
   region is chosen, the departments of the other regions are hidden and
   disabled (options and their region's group), and a department already
   chosen stays chosen only if it is in that region. Each option names its
   region (data-region, written by the server); the select names the region
   list (data-region-field). Without JavaScript both lists stay whole and
   the server says when the pair does not match. Nothing is announced: the
   list is simply shorter when the reader opens it. */
(function () {
  "use strict";

  function narrow(regionSelect, departmentSelect) {
    var region = regionSelect.value;
    var options = departmentSelect.querySelectorAll("option[data-region]");
    for (var i = 0; i < options.length; i++) {
      var outside = region !== "" && options[i].getAttribute("data-region") !== region;
      options[i].hidden = outside;
      options[i].disabled = outside;
      if (outside && options[i].selected) {
        departmentSelect.value = "";
      }
    }
    var groups = departmentSelect.querySelectorAll("optgroup");
    for (var j = 0; j < groups.length; j++) {
      var shown = groups[j].querySelector("option[data-region]:not([hidden])");
      groups[j].hidden = !shown;
      groups[j].disabled = !shown;
    }
  }

  var selects = document.querySelectorAll("select[data-region-field]");
  for (var k = 0; k < selects.length; k++) {
    var departmentSelect = selects[k];
    var form = departmentSelect.form;
    var regionSelect = form && form.elements.namedItem(departmentSelect.getAttribute("data-region-field"));
    if (!regionSelect || regionSelect.tagName !== "SELECT") {
      continue;
    }
    regionSelect.addEventListener(
      "change",
      narrow.bind(null, regionSelect, departmentSelect)
    );
    narrow(regionSelect, departmentSelect);
  }
})();
