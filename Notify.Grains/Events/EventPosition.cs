using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Notify.Grains.Events;

/// <summary>
/// Where an event sits in its topic: the topic's <see cref="Epoch"/> and the event's 1-based
/// <see cref="Sequence"/> within that epoch. Sequence 0 means "before the first event".
/// </summary>
/// <remarks>
/// The wire form is <c>{epoch}:{sequence}</c>, for example <c>k3f9a2b7xq:42</c>. Any node can resume
/// from it because it names a position, not a node or a connection.
/// <para>
/// Why the epoch: a topic whose history is lost (a new in-memory activation, an emptied store)
/// starts numbering again at 1. Without the epoch, a client that last saw <c>:42</c> of the old
/// history would be "resumed" after event 42 of the new one and silently miss events 1–42.
/// With it, the server sees that the client's <c>old:42</c> belongs to another history and
/// answers with a <c>notify.reset</c> (reason <c>epoch</c>) instead.
/// </para>
/// </remarks>
[GenerateSerializer, Immutable]
public readonly record struct EventPosition(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Sequence)
{
    /// <summary>Longest epoch accepted when parsing.</summary>
    public const int MaxEpochLength = 24;

    /// <summary>Length of the epochs this server creates.</summary>
    public const int NewEpochLength = 10;

    // New epochs use base32 digits; any lowercase letter or digit is accepted back.
    private const string EpochAlphabet = "0123456789abcdefghijklmnopqrstuv";
    private static readonly SearchValues<char> EpochChars = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>The position of the event that follows this one.</summary>
    public EventPosition Next => this with { Sequence = Sequence + 1 };

    /// <summary>Makes a new random epoch: 10 characters of lowercase base32 (50 random bits).</summary>
    public static string NewEpoch()
    {
        Span<byte> random = stackalloc byte[NewEpochLength];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        return string.Create(NewEpochLength, random.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = EpochAlphabet[bytes[i] & 31];
            }
        });
    }

    /// <summary>Parses the wire form <c>{epoch}:{sequence}</c>; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out EventPosition? position)
    {
        position = null;
        var colon = text.IndexOf(':');
        if (colon < 1 || colon > MaxEpochLength)
        {
            return false;
        }

        var epoch = text[..colon];
        var sequence = text[(colon + 1)..];
        if (epoch.ContainsAnyExcept(EpochChars) || sequence.IsEmpty || sequence.Length > 19
            || sequence.ContainsAnyExceptInRange('0', '9')
            || (sequence.Length > 1 && sequence[0] == '0')
            || !long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        position = new EventPosition(epoch.ToString(), value);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Epoch}:{Sequence}");
}
