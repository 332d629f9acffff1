// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before submitting forms that archive or end something.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // The tenant form: show only the part for an existing firm or for a new one.
  var modes = document.querySelectorAll("input[name=firm_mode]");
  function showMode() {
    var chosen = document.querySelector("input[name=firm_mode]:checked");
    document.querySelectorAll("[data-firm-mode]").forEach(function (part) {
      part.hidden = chosen && part.getAttribute("data-firm-mode") !== chosen.value;
    });
  }
  modes.forEach(function (radio) { radio.addEventListener("change", showMode); });
  if (modes.length) { showMode(); }

  // The certification form: batch and key support for 小巨人, product name for 专精特新产品.
  var kind = document.querySelector("select[name=kind]");
  function showKindFields() {
    document.querySelectorAll("[data-show-for-kind]").forEach(function (part) {
      part.hidden = kind.value !== part.getAttribute("data-show-for-kind");
    });
  }
  if (kind && document.querySelector("[data-show-for-kind]")) {
    kind.addEventListener("change", showKindFields);
    showKindFields();
  }

  // A confirm button that needs "import only the valid rows" ticked first.
  document.querySelectorAll("button[data-needs]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-needs"));
    function sync() { button.disabled = !box.checked; }
    if (box) { box.addEventListener("change", sync); sync(); }
  });
  // Upload with a progress bar, then a note while the server checks every row.
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      var bar = form.querySelector("[data-progress]");
      var text = form.querySelector("[data-progress-text]");
      bar.classList.remove("d-none");
      text.classList.remove("d-none");
      form.querySelector("button[type=submit]").disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(100 * e.loaded / e.total);
          bar.firstElementChild.style.width = pct + "%";
          bar.setAttribute("aria-valuenow", pct);
          if (pct >= 100) { text.textContent = text.getAttribute("data-checking"); }
        }
      });
      xhr.addEventListener("load", function () {
        // A redirect (to a job's page) is followed by going there, so the address is the job's and a
        // reload shows the job, not the upload form again; any other answer replaces this page.
        if (xhr.responseURL && xhr.responseURL !== form.action && xhr.responseURL !== window.location.href) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.send(new FormData(form));
    });
  });

  // Long selects (towns, parks, incubators) people can type into: <select data-searchable> with the
  // vendored Tom Select. Without it (or without JavaScript) they stay ordinary selects.
  if (window.TomSelect) {
    document.querySelectorAll("select[data-searchable]").forEach(function (select) {
      var none = select.getAttribute("data-no-results") || "";
      var optional = select.querySelector('option[value=""]');
      // Tom Select points the <label> at its own input; the hidden original keeps the label's text.
      var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      new window.TomSelect(select, {
        create: false,
        maxOptions: null,
        // The blank option becomes the placeholder; a button clears the choice again.
        // The search box opens inside the list, so the chosen item stays readable while typing.
        plugins: optional
          ? {dropdown_input: {}, clear_button: {title: select.getAttribute("data-clear") || ""}}
          : {dropdown_input: {}},
        render: {
          no_results: function (data, escape) { return '<div class="no-results">' + escape(none) + "</div>"; }
        }
      });
      if (label) { select.setAttribute("aria-label", label.textContent.trim()); }
    });
  }

  // Firm pickers: <input data-lookup="/enterprises/lookup" list="…"> offers matching firms while typing,
  // and once a suggestion is taken says which firm the code stands for.
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var chosen = document.createElement("div");
    chosen.className = "form-text text-success firm-chosen";
    chosen.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", chosen);
    function showChosen() {
      var match = list && Array.prototype.find.call(list.options, function (o) { return o.value === input.value.trim(); });
      chosen.textContent = match ? match.textContent : "";
    }
    input.addEventListener("change", showChosen);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      showChosen();
      var q = input.value.trim();
      if (q.length < 2 || !list) { return; }
      timer = setTimeout(function () {
        fetch(input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {items: []}; })
          .then(function (data) {
            list.innerHTML = "";
            data.items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.uscc || ("#" + item.id);
              option.textContent = item.name + " · " + item.town;
              list.appendChild(option);
            });
          });
      }, 200);
    });
  });
})();
