using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;

namespace Notify.Api.Topics;

/// <summary>Reads a publish body without ever holding more than the limit plus one read in memory.</summary>
public static class PublishBodyReader
{
    /// <summary>The outcome of reading a body.</summary>
    public enum Outcome
    {
        /// <summary>The body is valid UTF-8 within the limit.</summary>
        Ok,

        /// <summary>The body is longer than the limit.</summary>
        TooLarge,

        /// <summary>The body is not valid UTF-8.</summary>
        NotUtf8,
    }

    /// <summary>Reads the whole body; <paramref name="data"/> is set when the outcome is <see cref="Outcome.Ok"/>.</summary>
    public static async Task<(Outcome Outcome, byte[] Data)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (Outcome.TooLarge, []);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return (Outcome.TooLarge, []);
            }

            if (result.IsCompleted)
            {
                var data = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return Utf8.IsValid(data) ? (Outcome.Ok, data) : (Outcome.NotUtf8, []);
            }

            // Keep everything and ask for more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
