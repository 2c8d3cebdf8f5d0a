using System.Buffers;

namespace Notify.Client;

/// <summary>Notify's topic ids: 1–128 of <c>A-Z a-z 0-9 - . _ ~</c>, not <c>.</c> or <c>..</c>; checked before one lands in a URL path.</summary>
internal static class TopicNames
{
    private const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    public static void Validate(string topic, string parameter)
    {
        ArgumentNullException.ThrowIfNull(topic, parameter);
        if (topic.Length is 0 or > MaxLength || topic.AsSpan().ContainsAnyExcept(Allowed) || topic is "." or "..")
        {
            throw new ArgumentException($"'{topic}' is not a topic id: 1–{MaxLength} characters of A-Z a-z 0-9 - . _ ~, not . or ..", parameter);
        }
    }
}
