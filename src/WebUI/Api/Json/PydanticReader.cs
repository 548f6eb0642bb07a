using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebUI.Api.Json;

/// <summary>
/// Reads a JSON body into one of the API's request classes the way pydantic v1 (A1111's FastAPI) does: absent fields
/// keep their defaults, unknown fields are ignored, null is kept as null, and values are coerced as pydantic coerces
/// them ("5" → 5 for an int, 5.7 → 5, "yes" → true, 7 → "7" for a string). A value that cannot be coerced becomes a
/// <see cref="ValidationIssue"/> with pydantic's message and type; every issue of the body is collected.
/// </summary>
public static class PydanticReader
{
    /// <summary>A request class's fields in A1111's order: the JSON name and the property behind it.</summary>
    public sealed record FieldInfo(string Name, PropertyInfo Property);

    static readonly ConcurrentDictionary<Type, IReadOnlyList<FieldInfo>> FieldCache = new();

    public static IReadOnlyList<FieldInfo> Fields(Type type) => FieldCache.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name,
                Order: p.GetCustomAttribute<JsonPropertyOrderAttribute>()?.Order ?? int.MaxValue))
            .OrderBy(x => x.Order)
            .Select(x => new FieldInfo(x.Name, x.Property))
            .ToList());

    /// <summary>
    /// Parses <paramref name="utf8Body"/> into a new <typeparamref name="T"/>; throws
    /// <see cref="RequestValidationException"/> listing every problem (bad JSON, not an object, uncoercible fields).
    /// </summary>
    public static T Read<T>(ReadOnlyMemory<byte> utf8Body, Action<T, string>? markSet = null) where T : new()
    {
        using var document = Parse(utf8Body);
        return ReadObject(document.RootElement, markSet);
    }

    /// <summary>Parses a body; a blank body is FastAPI's "field required", bad JSON its "value_error.jsondecode".</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Body)
    {
        if (IsBlank(utf8Body.Span)) throw new RequestValidationException(new ValidationIssue(["body"], "field required", "value_error.missing"));
        try
        {
            return JsonDocument.Parse(utf8Body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            long position = e.BytePositionInLine ?? 0;
            throw new RequestValidationException(new ValidationIssue(["body", position],
                $"Invalid JSON at line {(e.LineNumber ?? 0) + 1}, position {position + 1}", "value_error.jsondecode"));
        }
    }

    public static T ReadObject<T>(JsonElement body, Action<T, string>? markSet = null) where T : new()
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new RequestValidationException(new ValidationIssue(["body"], "value is not a valid dict", "type_error.dict"));
        var result = new T();
        var issues = new List<ValidationIssue>();
        var byName = Fields(typeof(T)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            if (!byName.TryGetValue(member.Name, out var field)) continue; // pydantic ignores unknown fields
            if (!seen.Add(member.Name)) continue; // Python's json keeps the last duplicate; we keep the first: both are "some value"
            if (TryConvert(member.Value, field.Property.PropertyType, ["body", member.Name], issues, out object? value))
            {
                field.Property.SetValue(result, value);
                markSet?.Invoke(result, member.Name);
            }
        }
        if (issues.Count > 0) throw new RequestValidationException(issues);
        return result;
    }

    /// <summary>Converts one JSON value to <paramref name="type"/> with pydantic v1's rules; false (and an issue) when it cannot.</summary>
    public static bool TryConvert(JsonElement e, Type type, List<object> loc, List<ValidationIssue> issues, out object? value)
    {
        (bool ok, value, string? msg, string? kind) = Convert(e, type, loc, issues);
        if (!ok && msg is not null) issues.Add(new ValidationIssue(loc, msg, kind!));
        return ok;
    }

    // (ok, value, message, type): a message only when this value itself is wrong (list/dict items report their own).
    static (bool, object?, string?, string?) Convert(JsonElement e, Type type, List<object> loc, List<ValidationIssue> issues)
    {
        if (e.ValueKind == JsonValueKind.Null) return (true, null, null, null); // every A1111 API field is Optional
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(JsonElement)) return (true, e.Clone(), null, null);
        if (target == typeof(string))
            return TryString(e, out var s) ? (true, s, null, null) : (false, null, "str type expected", "type_error.str");
        if (target == typeof(int))
            return TryInteger(e, out long i) && i is >= int.MinValue and <= int.MaxValue
                ? (true, (int)i, null, null) : (false, null, "value is not a valid integer", "type_error.integer");
        if (target == typeof(long))
            return TryInteger(e, out long l) ? (true, l, null, null) : (false, null, "value is not a valid integer", "type_error.integer");
        if (target == typeof(double))
            return TryFloat(e, out double d) ? (true, d, null, null) : (false, null, "value is not a valid float", "type_error.float");
        if (target == typeof(bool))
            return TryBool(e, out bool b) ? (true, b, null, null) : (false, null, "value could not be parsed to a boolean", "type_error.bool");
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (e.ValueKind != JsonValueKind.Array) return (false, null, "value is not a valid list", "type_error.list");
            Type item = target.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(target)!;
            int index = 0;
            bool all = true;
            foreach (var element in e.EnumerateArray())
            {
                if (TryConvert(element, item, [.. loc, index], issues, out object? converted)) list.Add(converted);
                else all = false;
                index++;
            }
            return (all, list, null, null);
        }
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (e.ValueKind != JsonValueKind.Object) return (false, null, "value is not a valid dict", "type_error.dict");
            Type item = target.GetGenericArguments()[1];
            var dict = (System.Collections.IDictionary)Activator.CreateInstance(target)!;
            bool all = true;
            foreach (var member in e.EnumerateObject())
            {
                if (TryConvert(member.Value, item, [.. loc, member.Name], issues, out object? converted)) dict[member.Name] = converted;
                else all = false;
            }
            return (all, dict, null, null);
        }
        throw new InvalidOperationException($"No pydantic rule for {target.Name}.");
    }

    // pydantic v1 int_validator: ints as they are, bools as 0/1, floats truncated (int(5.7) = 5), strings through int().
    public static bool TryInteger(JsonElement e, out long value)
    {
        value = 0;
        switch (e.ValueKind)
        {
            case JsonValueKind.True: value = 1; return true;
            case JsonValueKind.False: return true;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out value)) return true;
                if (e.TryGetDouble(out double d) && double.IsFinite(d) && Math.Abs(d) < 9.2e18)
                {
                    value = (long)Math.Truncate(d);
                    return true;
                }
                return false;
            case JsonValueKind.String:
                string s = e.GetString()!.Trim().Replace("_", "");
                return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            default: return false;
        }
    }

    // pydantic v1 float_validator: float(v) — numbers, bools and numeric strings ("inf"/"nan" included, refused later).
    public static bool TryFloat(JsonElement e, out double value)
    {
        value = 0;
        switch (e.ValueKind)
        {
            case JsonValueKind.True: value = 1; return true;
            case JsonValueKind.False: return true;
            case JsonValueKind.Number: return e.TryGetDouble(out value);
            case JsonValueKind.String:
                string s = e.GetString()!.Trim().Replace("_", "");
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
                switch (s.ToLowerInvariant())
                {
                    case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
                    case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
                    case "nan" or "+nan" or "-nan": value = double.NaN; return true;
                    default: return false;
                }
            default: return false;
        }
    }

    // pydantic v1 bool_validator: true/false, 0/1, and the strings 0/off/f/false/n/no, 1/on/t/true/y/yes.
    public static bool TryBool(JsonElement e, out bool value)
    {
        value = false;
        switch (e.ValueKind)
        {
            case JsonValueKind.True: value = true; return true;
            case JsonValueKind.False: return true;
            case JsonValueKind.Number:
                if (!e.TryGetDouble(out double d) || d is not (0 or 1)) return false;
                value = d == 1;
                return true;
            case JsonValueKind.String:
                switch (e.GetString()!.ToLowerInvariant())
                {
                    case "1" or "on" or "t" or "true" or "y" or "yes": value = true; return true;
                    case "0" or "off" or "f" or "false" or "n" or "no": return true;
                    default: return false;
                }
            default: return false;
        }
    }

    // pydantic v1 str_validator: strings, and numbers turned into their Python text (True → "True").
    static bool TryString(JsonElement e, out string? value)
    {
        value = e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => PyJson.NumberText(e),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => null,
        };
        return value is not null;
    }

    static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            if (b is not (0x20 or 0x09 or 0x0A or 0x0D)) return false;
        return true;
    }
}
