// Keyboard shortcuts for the review page; every action stays a normal form POST.
"use strict";
(function () {
  const photos = () => Array.from(document.querySelectorAll("section.photo"));
  let current = 0;
  function show(i, scroll = true) {
    const all = photos();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, i));
    all.forEach((p, n) => p.classList.toggle("current", n === current));
    if (scroll) all[current].scrollIntoView({ block: "start" });
  }
  document.addEventListener("DOMContentLoaded", () => {
    const all = photos();
    const at = all.findIndex((p) => "#" + p.id === window.location.hash);
    // back at the photo just acted on; on a first visit the top (the name field) stays in view
    if (all.length) show(at < 0 ? 0 : at, at >= 0);
  });
  document.addEventListener("keydown", (ev) => {
    const tag = (ev.target.tagName || "").toLowerCase();
    if (["input", "select", "textarea"].includes(tag) || ev.ctrlKey || ev.metaKey || ev.altKey) {
      return;
    }
    const photo = photos()[current];
    if (ev.key === "j") show(current + 1);
    else if (ev.key === "k") show(current - 1);
    else if (/^[1-9]$/.test(ev.key) && photo) {
      const select = photo.querySelector(`select[data-face="${ev.key}"]`);
      if (select) select.focus();
    } else if (ev.key === "a" && photo) {
      const button = photo.querySelector("button.approve-button");
      if (button) button.focus();
    } else if (ev.key === "?") {
      const keys = document.querySelector(".keys");
      if (keys) keys.scrollIntoView();
    } else return;
    ev.preventDefault();
  });
})();
