using System.Collections.Concurrent;
using System.Text;

namespace Notify.Tests.Security;

/// <summary>
/// What the hostile-input suite sent and got back: every response body, to look for leaked internals, and every
/// acknowledged event, to check that none was lost.
/// </summary>
public sealed class SuiteRecord
{
    /// <summary>Text a response meant for clients never carries: stack frames, exception and runtime type names.</summary>
    private static readonly string[] InternalMarkers = ["   at ", "Exception", "System.", "Orleans."];

    private readonly ConcurrentQueue<(string Request, string Body)> _bodies = new();
    private readonly ConcurrentQueue<AcknowledgedEvent> _acknowledged = new();

    /// <summary>An event the app answered <c>201</c> for, with the data it was sent (null when not known).</summary>
    public sealed record AcknowledgedEvent(string Topic, string Id, string? Data, string Request);

    public IReadOnlyCollection<AcknowledgedEvent> Acknowledged => _acknowledged;

    public void Body(string request, string body) => _bodies.Enqueue((request, body));

    /// <summary>Records the bodies of every response on a raw connection (all of it when it is not HTTP/1.x).</summary>
    public void Raw(string request, byte[] received)
    {
        List<RawResponse> responses;
        try
        {
            responses = RawResponse.ParseAll(received);
        }
        catch (FormatException)
        {
            responses = [];
        }

        if (responses.Count == 0)
        {
            Body(request, Encoding.Latin1.GetString(received));
        }

        foreach (var response in responses)
        {
            Body(request, response.Text);
        }
    }

    public void Acknowledge(string topic, string id, string? data, string request) =>
        _acknowledged.Enqueue(new AcknowledgedEvent(topic, id, data, request));

    /// <summary>Each recorded body that carries an internal marker, with the marker.</summary>
    public IEnumerable<string> Leaks() =>
        from entry in _bodies
        from marker in InternalMarkers
        where entry.Body.Contains(marker, StringComparison.Ordinal)
        select $"{entry.Request}: '{marker}' in {entry.Body[..Math.Min(entry.Body.Length, 300)]}";
}
