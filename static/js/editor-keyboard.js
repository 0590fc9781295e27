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
