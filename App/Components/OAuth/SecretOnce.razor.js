// Copies the text of the element that shows a secret once (SecretOnce.razor). True when the clipboard took it.
export async function copyText(element) {
    if (!element || !navigator.clipboard) return false;
    try {
        await navigator.clipboard.writeText(element.textContent.trim());
        return true;
    } catch {
        return false;
    }
}
