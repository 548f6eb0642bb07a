// History tab helpers: how many tiles fit in a row (the virtualised grid needs it), and copying text.
const observers = new WeakMap();

export function observeColumns(element, dotnet, tile, gap) {
    if (!element) return;
    let last = 0;
    const report = () => {
        const style = getComputedStyle(element);
        const inner = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const columns = Math.max(1, Math.floor((inner + gap) / (tile + gap)));
        if (columns !== last) {
            last = columns;
            dotnet.invokeMethodAsync('SetColumns', columns);
        }
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    observers.set(element, observer);
    report();
}

export function dispose(element) {
    const observer = element && observers.get(element);
    if (observer) observer.disconnect();
}

// navigator.clipboard needs a secure context (https or localhost); a LAN address over http falls back to execCommand.
export async function copyText(text) {
    try {
        if (navigator.clipboard && window.isSecureContext) {
            await navigator.clipboard.writeText(text);
            return true;
        }
    } catch { /* fall through */ }
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    document.body.removeChild(area);
    return ok;
}
