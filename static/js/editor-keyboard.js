/*
 * Keep Tab for moving between fields in the markdown editor.
 *
 * django-markdownx turns Tab and Shift+Tab into indenting the text, which
 * traps keyboard users in the field (WCAG 2.1.2). Listening on the window in
 * the capture phase runs before the editor's own listener: stopping the
 * event there leaves the browser's default, moving the focus on.
 */
window.addEventListener(
  "keydown",
  function (event) {
    if (
      event.key === "Tab" &&
      !event.ctrlKey &&
      !event.altKey &&
      !event.metaKey &&
      event.target instanceof HTMLTextAreaElement &&
      event.target.classList.contains("markdownx-editor")
    ) {
      event.stopImmediatePropagation();
    }
  },
  true
);

/*
 * An editor without an image upload address (every one but the forums')
 * refuses a pasted or dropped file with its message, read out politely,
 * instead of letting django-markdownx send it nowhere and write its error
 * into the text. Pasted or dropped words are left alone.
 */
function refuseFiles(event, files) {
  var editor = event.target;
  if (
    !(editor instanceof HTMLTextAreaElement) ||
    !editor.classList.contains("markdownx-editor") ||
    editor.hasAttribute("data-markdownx-upload-urls-path") ||
    !files ||
    !files.length
  ) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  var notice = editor.parentNode.querySelector(".editor-notice");
  if (!notice) {
    notice = document.createElement("p");
    notice.className = "editor-notice";
    notice.setAttribute("role", "status");
    editor.insertAdjacentElement("afterend", notice);
  }
  notice.textContent = editor.getAttribute("data-no-upload-message") || "";
}

window.addEventListener(
  "paste",
  function (event) {
    refuseFiles(event, event.clipboardData && event.clipboardData.files);
  },
  true
);
window.addEventListener(
  "drop",
  function (event) {
    refuseFiles(event, event.dataTransfer && event.dataTransfer.files);
  },
  true
);

/*
 * The editor's help about what only works with JavaScript (the live preview,
 * images dropped on the text) is hidden in the page as sent: shown here, with
 * the preview's heading, in place of the wording for a browser without
 * JavaScript, and read out with the field.
 */
function showEditorHelp() {
  var editors = document.querySelectorAll(".markdownx");
  for (var i = 0; i < editors.length; i++) {
    var box = editors[i];
    var noScript = box.querySelector(".editor-help-no-js");
    var help = box.querySelector(".editor-help-js");
    var label = box.querySelector(".markdownx-preview-label");
    var editor = box.querySelector("textarea.markdownx-editor");
    if (noScript) {
      noScript.hidden = true;
    }
    if (label) {
      label.hidden = false;
    }
    if (help && help.hidden) {
      help.hidden = false;
      if (editor && help.id) {
        var described = editor.getAttribute("aria-describedby");
        editor.setAttribute("aria-describedby", described ? described + " " + help.id : help.id);
      }
    }
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", showEditorHelp);
} else {
  showEditorHelp();
}
