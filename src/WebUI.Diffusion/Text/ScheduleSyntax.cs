using System.Text;
using System.Text.RegularExpressions;

namespace WebUI.Diffusion.Text;

/// <summary>
/// Parse tree of A1111's prompt-editing grammar (<c>schedule_parser</c> in <c>modules/prompt_parser.py</c>):
/// text kept verbatim (plain runs, whitespace, emphasis brackets), <c>[from:to:when]</c> and <c>[a|b|...]</c>.
/// </summary>
internal abstract record ScheduleNode;

internal sealed record TextNode(string Text) : ScheduleNode;

internal sealed record SequenceNode(IReadOnlyList<ScheduleNode> Items) : ScheduleNode;

/// <summary><c>[before:after:when]</c>; <see cref="Before"/> is null for the <c>[after:when]</c> form.</summary>
internal sealed record ScheduledNode(SequenceNode? Before, SequenceNode After, string When) : ScheduleNode;

internal sealed record AlternateNode(IReadOnlyList<SequenceNode> Options) : ScheduleNode;

/// <summary>
/// A deterministic parser for the prompt-editing grammar. A1111 parses with a lark Earley parser whose ambiguity
/// resolution goes through hash-ordered sets, so for a few prompts with stray brackets (e.g.
/// <c>dog[dog:3](a:(w:1.2)</c>) A1111 itself gives different schedules from run to run; this parser always takes
/// the structured reading, which is what lark picks for well-formed prompts. Its choices:
/// at the top level a '[' or '(' that does not open a well-formed construct is literal text (the grammar's
/// <c>/[][():]/+</c> runs), while inside a construct every bracket must be well formed. At '[' the readings are
/// tried in the order alternation, scheduling, plain emphasis. '|' separates alternation options and is plain
/// text anywhere else (the behaviour of the lark 1.1.2 pinned by A1111 v1.10.1, where <c>a [{b|d{:.5] c</c>
/// schedules "{b|d{"). A lone trailing backslash cannot be parsed at all, so the caller keeps the prompt
/// unscheduled, as A1111 does on a parse error.
/// </summary>
internal sealed class ScheduleParser
{
    // lark common.SIGNED_NUMBER: ["+"|"-"] (INT | DECIMAL) [("e"|"E") ["+"|"-"] INT], ASCII digits only.
    static readonly Regex SignedNumber = new(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\z",
        RegexOptions.CultureInvariant);

    readonly string _s;

    // Memos keep nested brackets linear: each construct is tried in up to three readings, which would otherwise
    // re-parse its contents 3^depth times.
    readonly Dictionary<(int, bool), (SequenceNode?, int)> _prompts = new();
    readonly Dictionary<int, (ScheduleNode?, int)> _squares = new();
    readonly Dictionary<int, (ScheduleNode?, int)> _rounds = new();

    ScheduleParser(string s) => _s = s;

    /// <summary>The parse tree, or null where A1111's parser would fail (the prompt then stays unscheduled).</summary>
    public static SequenceNode? Parse(string prompt)
    {
        var parser = new ScheduleParser(prompt);
        try
        {
            return parser.ParseTop();
        }
        catch (TooDeepException)
        {
            return null; // A1111 fails too (Python's recursion limit); the prompt stays unscheduled
        }
    }

    const int MaxDepth = 200;
    int _depth;

    sealed class TooDeepException : Exception;

    SequenceNode? ParseTop()
    {
        var items = new List<ScheduleNode>();
        var plain = new StringBuilder();
        int i = 0;
        while (i < _s.Length)
        {
            char c = _s[i];
            if (c is '[' or '(')
            {
                var (node, end) = c == '[' ? ParseSquare(i) : ParseRound(i);
                if (node is null)
                {
                    plain.Append(c); // not a construct: one of the start rule's literal bracket characters
                    i++;
                    continue;
                }
                Flush(items, plain);
                items.Add(node);
                i = end;
            }
            else if (c is ']' or ')' or ':')
            {
                plain.Append(c);
                i++;
            }
            else
            {
                int end = ScanPlain(i, stopAtPipe: false, plain);
                if (end < 0) return null;
                i = end;
            }
        }
        Flush(items, plain);
        return new SequenceNode(items);
    }

    static void Flush(List<ScheduleNode> items, StringBuilder plain)
    {
        if (plain.Length == 0) return;
        items.Add(new TextNode(plain.ToString()));
        plain.Clear();
    }

    // plain: ([^\\\[\]():|]|\\.)+ (plus '|' where it is not an option separator) and WHITESPACE. Returns the
    // index after the run, or -1 on a backslash with nothing escapable after it ('.' does not match '\n').
    int ScanPlain(int i, bool stopAtPipe, StringBuilder into)
    {
        while (i < _s.Length)
        {
            char c = _s[i];
            if (c == '\\')
            {
                if (i + 1 >= _s.Length || _s[i + 1] == '\n') return -1;
                into.Append(c).Append(_s[i + 1]);
                i += 2;
                continue;
            }
            if (c is '[' or ']' or '(' or ')' or ':' || (stopAtPipe && c == '|')) break;
            into.Append(c);
            i++;
        }
        return i;
    }

    // prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)* inside a construct; stops before
    // ']' ')' ':' (and '|' for alternation options). Null when a nested bracket is malformed.
    (SequenceNode? Node, int End) ParsePrompt(int start, bool stopAtPipe)
    {
        if (_prompts.TryGetValue((start, stopAtPipe), out var known)) return known;
        var result = ParsePromptUncached(start, stopAtPipe);
        _prompts[(start, stopAtPipe)] = result;
        return result;
    }

    (SequenceNode? Node, int End) ParsePromptUncached(int i, bool stopAtPipe)
    {
        var items = new List<ScheduleNode>();
        var plain = new StringBuilder();
        while (i < _s.Length)
        {
            char c = _s[i];
            if (c is '[' or '(')
            {
                var (node, end) = c == '[' ? ParseSquare(i) : ParseRound(i);
                if (node is null) return (null, i);
                Flush(items, plain);
                items.Add(node);
                i = end;
            }
            else if (c is ']' or ')' or ':' || (stopAtPipe && c == '|')) break;
            else
            {
                int end = ScanPlain(i, stopAtPipe, plain);
                if (end < 0) return (null, i);
                i = end;
            }
        }
        Flush(items, plain);
        return (new SequenceNode(items), i);
    }

    // "(" prompt ")" | "(" prompt ":" prompt ")", kept verbatim.
    (ScheduleNode? Node, int End) ParseRound(int open)
    {
        if (_rounds.TryGetValue(open, out var result)) return result;
        if (++_depth > MaxDepth) throw new TooDeepException();
        _rounds[open] = result = ParseRoundUncached(open);
        _depth--;
        return result;
    }

    (ScheduleNode? Node, int End) ParseRoundUncached(int open)
    {
        var (first, i) = ParsePrompt(open + 1, stopAtPipe: false);
        if (first is null || i >= _s.Length) return (null, open);
        if (_s[i] == ')')
            return (new SequenceNode([new TextNode("("), first, new TextNode(")")]), i + 1);
        if (_s[i] != ':') return (null, open);
        var (second, j) = ParsePrompt(i + 1, stopAtPipe: false);
        if (second is null || j >= _s.Length || _s[j] != ')') return (null, open);
        return (new SequenceNode([new TextNode("("), first, new TextNode(":"), second, new TextNode(")")]), j + 1);
    }

    (ScheduleNode? Node, int End) ParseSquare(int open)
    {
        if (_squares.TryGetValue(open, out var result)) return result;
        if (++_depth > MaxDepth) throw new TooDeepException();
        _squares[open] = result = ParseSquareUncached(open);
        _depth--;
        return result;
    }

    (ScheduleNode? Node, int End) ParseSquareUncached(int open)
    {
        var alternate = TryAlternate(open);
        if (alternate.Node is not null) return alternate;
        var scheduled = TryScheduled(open);
        if (scheduled.Node is not null) return scheduled;
        // "[" prompt "]": emphasis, kept verbatim.
        var (inner, i) = ParsePrompt(open + 1, stopAtPipe: false);
        if (inner is null || i >= _s.Length || _s[i] != ']') return (null, open);
        return (new SequenceNode([new TextNode("["), inner, new TextNode("]")]), i + 1);
    }

    // "[" prompt ("|" [prompt])+ "]"
    (ScheduleNode? Node, int End) TryAlternate(int open)
    {
        var options = new List<SequenceNode>();
        int i = open + 1;
        while (true)
        {
            var (option, end) = ParsePrompt(i, stopAtPipe: true);
            if (option is null || end >= _s.Length) return (null, open);
            options.Add(option);
            if (_s[end] == '|') { i = end + 1; continue; }
            if (_s[end] == ']' && options.Count >= 2) return (new AlternateNode(options), end + 1);
            return (null, open);
        }
    }

    // "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
    (ScheduleNode? Node, int End) TryScheduled(int open)
    {
        var (first, i) = ParsePrompt(open + 1, stopAtPipe: false);
        if (first is null || i >= _s.Length || _s[i] != ':') return (null, open);
        if (TryWhen(i + 1, out string when, out int end)) return (new ScheduledNode(null, first, when), end);
        var (second, j) = ParsePrompt(i + 1, stopAtPipe: false);
        if (second is null || j >= _s.Length || _s[j] != ':') return (null, open);
        if (TryWhen(j + 1, out when, out end)) return (new ScheduledNode(first, second, when), end);
        return (null, open);
    }

    bool TryWhen(int i, out string number, out int end)
    {
        number = "";
        end = i;
        int close = _s.IndexOf(']', i);
        if (close < 0) return false;
        int a = i, b = close;
        while (a < b && PythonText.IsSpace(_s[a])) a++;
        while (b > a && PythonText.IsSpace(_s[b - 1])) b--;
        var candidate = _s[a..b];
        if (!SignedNumber.IsMatch(candidate)) return false;
        number = candidate;
        end = close + 1;
        return true;
    }
}
