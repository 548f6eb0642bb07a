// WebUI page helpers: keyboard shortcuts, A1111's Ctrl+Up/Down attention editing, infotext paste and PNG drop on
// the prompt boxes, cookies and downloads. Each generation panel registers its root element and a .NET reference;
// nothing here polls the server.
(() => {
    "use strict";

    const panels = new Map(); // root element -> DotNetObjectReference

    // A1111's defaults: opts.keyedit_precision_attention 0.1, opts.keyedit_precision_extra 0.05,
    // opts.keyedit_delimiters ".,\/!?%^*;:{}=`~() " plus the whitespace delimiters.
    const attentionStep = 0.1;
    const extraNetworkStep = 0.05;
    const wordDelimiters = ".,\\/!?%^*;:{}=`~() \t\r\n";

    function visible(el) {
        return !!el && el.offsetParent !== null;
    }

    function panelOf(el) {
        for (const [root, ref] of panels) {
            if (root.contains(el)) return { root, ref };
        }
        return null;
    }

    function visiblePanel() {
        for (const [root, ref] of panels) {
            if (visible(root)) return { root, ref };
        }
        return null;
    }

    function isPromptBox(el) {
        return el instanceof HTMLTextAreaElement && !!el.closest(".webui-prompt");
    }

    // Tell Blazor the textarea changed (its binding listens to "input").
    function notifyInput(textarea) {
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        textarea.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // --- attention weights (A1111 edit-attention behaviour) -------------------------------------------------------

    // With nothing selected, select the content of the (), [] or <> block around the caret (up to its ":weight"),
    // or else the word under the caret.
    function selectBlock(text, start, end, open, close) {
        if (start !== end) return null;
        const before = text.substring(0, start);
        const openAt = before.lastIndexOf(open);
        if (openAt < 0) return null;
        const closeBefore = before.lastIndexOf(close);
        if (closeBefore > openAt) return null;
        const after = text.substring(start);
        const closeAt = after.indexOf(close);
        if (closeAt < 0) return null;
        const openAfter = after.indexOf(open);
        if (openAfter >= 0 && openAfter < closeAt) return null;
        const content = text.substring(openAt + 1, start + closeAt);
        const s = openAt + 1;
        if (/.*:-?[\d.]+/s.test(content)) return [s, s + content.lastIndexOf(":")];
        return [s, s + content.length];
    }

    function selectWord(text, start, end) {
        if (start !== end) return [start, end];
        while (start > 0 && !wordDelimiters.includes(text[start - 1])) start--;
        while (end < text.length && !wordDelimiters.includes(text[end])) end++;
        while (start < end && text[start] === " ") start++;
        while (end > start && text[end - 1] === " ") end--;
        return [start, end];
    }

    function formatWeight(w) {
        w = parseFloat(w.toPrecision(12));
        return Number.isInteger(w) ? w + ".0" : String(w);
    }

    // Returns { text, start, end } after changing the weight of the selection by +/- one step, or null for no change.
    function editAttention(text, start, end, up) {
        const sel = selectBlock(text, start, end, "<", ">") || selectBlock(text, start, end, "(", ")")
            || selectBlock(text, start, end, "[", "]") || selectWord(text, start, end);
        [start, end] = sel;

        let close = ")";
        let step = attentionStep;
        const left = start > 0 ? text[start - 1] : "";
        const right = text[end];
        if (left === "<") {
            close = ">";
            step = extraNetworkStep;
        } else if ((left === "(" && right === ")") || (left === "[" && right === "]")) {
            // Old-style emphasis ((word)) / [word]: turn the nesting into an explicit weight first.
            let depth = 0;
            while (text[start - depth - 1] === left && text[end + depth] === right) depth++;
            let weight = left === "[" ? Math.pow(1 / 1.1, depth) : Math.pow(1.1, depth);
            weight = Math.round(weight / attentionStep) * attentionStep;
            text = text.slice(0, start - depth) + "(" + text.slice(start, end) + ":" + formatWeight(weight) + ")" + text.slice(end + depth);
            start -= depth - 1;
            end -= depth - 1;
        } else if (left !== "(") {
            while (end > start && text[end - 1] === " ") end--;
            if (start === end) return null;
            text = text.slice(0, start) + "(" + text.slice(start, end) + ":1.0)" + text.slice(end);
            start++;
            end++;
        }

        if (text[end] !== ":") return null;
        const weightLength = text.slice(end + 1).indexOf(close) + 1;
        let weight = parseFloat(text.slice(end + 1, end + weightLength));
        if (isNaN(weight)) return null;
        weight += up ? step : -step;
        weight = parseFloat(weight.toPrecision(12));

        if (close === ")" && weight === 1) {
            // Back to 1.0: drop the parentheses and the weight.
            const closeAt = text.substring(end).indexOf(")");
            text = text.slice(0, start - 1) + text.slice(start, end) + text.slice(end + closeAt + 1);
            start--;
            end--;
        } else {
            text = text.slice(0, end + 1) + formatWeight(weight) + text.slice(end + weightLength);
        }
        return { text, start, end };
    }

    // --- keyboard ----------------------------------------------------------------------------------------------------

    document.addEventListener("keydown", (e) => {
        const target = e.target;
        if ((e.ctrlKey || e.metaKey) && (e.key === "ArrowUp" || e.key === "ArrowDown") && isPromptBox(target)) {
            const result = editAttention(target.value, target.selectionStart, target.selectionEnd, e.key === "ArrowUp");
            e.preventDefault();
            if (!result) return;
            target.value = result.text;
            target.setSelectionRange(result.start, result.end);
            notifyInput(target);
            return;
        }
        if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
            const panel = panelOf(target) || visiblePanel();
            if (!panel) return;
            e.preventDefault();
            // Let the textarea's pending "input" reach the server first: it was dispatched before this keydown.
            panel.ref.invokeMethodAsync("OnShortcut", "generate");
            return;
        }
        // Escape closes an open picture viewer, list or dialog first; only otherwise does it interrupt.
        if (e.key === "Escape" && !e.defaultPrevented
            && !document.querySelector(".mud-popover-open, .webui-lightbox, .mud-dialog-container")) {
            const panel = visiblePanel();
            if (panel) panel.ref.invokeMethodAsync("OnShortcut", "interrupt");
        }
    });

    // --- infotext paste and picture drop on the prompt boxes ----------------------------------------------------------

    // A1111's parameter line: at least three "Key: value" pairs, one of them a key every infotext has.
    function looksLikeInfotext(text) {
        if (!text) return false;
        const lines = text.trim().split("\n");
        const last = lines[lines.length - 1];
        const pairs = last.match(/\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g) || [];
        return pairs.length >= 3 && /(^|, )(Steps|Sampler|Size): /.test(last);
    }

    async function sendPicture(ref, file) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        await ref.invokeMethodAsync("OnPictureDropped", DotNet.createJSStreamReference(bytes), file.name || "pasted.png");
    }

    function attachPromptHandlers(root, ref) {
        root.addEventListener("paste", (e) => {
            if (!isPromptBox(e.target) || !e.clipboardData) return;
            const file = [...e.clipboardData.files].find(f => f.type.startsWith("image/"));
            if (file) {
                e.preventDefault();
                sendPicture(ref, file);
                return;
            }
            const text = e.clipboardData.getData("text/plain");
            if (looksLikeInfotext(text)) {
                e.preventDefault();
                ref.invokeMethodAsync("OnInfotextPasted", text);
            }
        });
        root.addEventListener("dragover", (e) => {
            if (isPromptBox(e.target) && e.dataTransfer && [...e.dataTransfer.items].some(i => i.kind === "file")) e.preventDefault();
        });
        root.addEventListener("drop", (e) => {
            if (!isPromptBox(e.target) || !e.dataTransfer || e.dataTransfer.files.length === 0) return;
            e.preventDefault();
            sendPicture(ref, e.dataTransfer.files[0]);
        });
    }

    window.webui = {
        registerPanel(root, ref) {
            if (!root || panels.has(root)) return;
            panels.set(root, ref);
            attachPromptHandlers(root, ref);
        },
        unregisterPanel(root) {
            panels.delete(root);
        },
        setCookie(name, value) {
            document.cookie = `${encodeURIComponent(name)}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
        },
        focus(id) {
            const el = document.getElementById(id);
            if (el) el.focus();
        },
        // Exposed for tests of the weight editing (no DOM needed).
        editAttention,
        looksLikeInfotext,
    };
})();
