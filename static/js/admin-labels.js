// Names for the widgets select2 builds in the admin's autocomplete fields, which axe-core
// finds without one (WCAG 4.1.2): the combobox is named by the field's own <label> and the
// current value, the search box of a multiple choice by the label too.
(function () {
  "use strict";

  function labelFor(select) {
    return select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  }

  function name(select) {
    var label = labelFor(select);
    if (!label) return null;
    if (!label.id) label.id = select.id + "_label";
    return label;
  }

  function nameWidgets() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = name(select);
      var widget = select.nextElementSibling;
      if (!label || !widget || !widget.classList.contains("select2")) return;
      var box = widget.querySelector(".select2-selection");
      if (box) {
        var shown = box.querySelector(".select2-selection__rendered");
        box.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
        // select2 gives the value shown a textbox role of its own: it needs the name too.
        if (shown) shown.setAttribute("aria-labelledby", label.id);
      }
      var search = widget.querySelector(".select2-search__field");
      if (search) search.setAttribute("aria-labelledby", label.id);
    });
  }

  // select2 is set up by the admin's own script on load and on every new inline row, and
  // rebuilds its search box as choices change: name the widgets whenever the form changes.
  window.addEventListener("load", function () {
    nameWidgets();
    var form = document.querySelector("#content-main form");
    if (form) new MutationObserver(nameWidgets).observe(form, { childList: true, subtree: true });
  });
})();
