// Copy buttons of the magic-link page. Without JavaScript the answers are still on the page
// to select and copy by hand.
for (const button of document.querySelectorAll('button.copy')) {
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.value ?? '');
      button.textContent = 'Copied';
      button.classList.add('done');
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('done');
    }, 1500);
  });
}
