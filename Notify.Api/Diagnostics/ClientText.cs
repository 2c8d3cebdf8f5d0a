using System.Buffers;
using System.Text;

namespace Notify.Api.Diagnostics;

/// <summary>
/// A value a client sent, made safe to log or to put on a span: control characters (CR and LF above all, which would
/// forge log lines in a text log) and line separators escaped as <c>\xNN</c> / <c>\uNNNN</c>, and its length bounded.
/// </summary>
public static class ClientText
{
    /// <summary>Most characters of a client's value kept; the rest is elided.</summary>
    public const int MaxLength = 160;

    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\x7f', '\x85', '\u2028', '\u2029']);

    /// <summary><paramref name="value"/> as it may be logged; null stays null.</summary>
    public static string? Safe(string? value)
    {
        if (value is null || (value.Length <= MaxLength && !value.AsSpan().ContainsAny(Unsafe)))
        {
            return value;
        }

        var text = new StringBuilder(Math.Min(value.Length, MaxLength) + 16);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxLength)))
        {
            if (!Unsafe.Contains(c))
            {
                text.Append(c);
            }
            else if (c < 0x100)
            {
                text.Append(@"\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return value.Length > MaxLength ? text.Append($"…({value.Length} characters)").ToString() : text.ToString();
    }
}
