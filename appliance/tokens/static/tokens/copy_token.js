// Copy the freshly created token to the clipboard; selecting the field is the fallback
// where the Clipboard API is unavailable (plain HTTP on a LAN name).
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch (error) {
      button.textContent = "Press Ctrl+C";
    }
  });
});
