export async function render(root: HTMLElement): Promise<void> {
  const heading = document.createElement("h1");
  heading.textContent = "Settings";
  const note = document.createElement("p");
  note.textContent = "Preferences are stored locally.";
  root.replaceChildren(heading, note);
}
