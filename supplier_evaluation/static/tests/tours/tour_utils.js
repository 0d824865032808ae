/** Put a small generated file into a file input, as a person choosing it would. */
export function chooseFile(selector, name, type, bytes) {
    const input = document.querySelector(selector);
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}
