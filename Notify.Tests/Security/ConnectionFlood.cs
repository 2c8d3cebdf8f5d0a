namespace Notify.Tests.Security;

/// <summary>Many SSE connections opened at once and dropped at once.</summary>
internal static class ConnectionFlood
{
    /// <summary>
    /// Opens <paramref name="count"/> connections together, each subscribing to <paramref name="topic"/>, waits for each
    /// answer's head, then drops every connection at once. Returns each answer's status (0 for none).
    /// </summary>
    public static async Task<int[]> SubscribeAndDropAsync(int port, string topic, int count, TimeSpan timeout)
    {
        var connections = new RawConnection?[count];
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                var connection = connections[i] = await RawConnection.OpenAsync(port);
                await connection.SendAsync($"GET /topics/{topic} HTTP/1.1\r\n{Wire.Host}Accept: text/event-stream\r\n\r\n");
                await connection.ReadUntilAsync(received => received.AsSpan().IndexOf("\r\n\r\n"u8) >= 0, timeout);
            }));
            return [.. connections.Select(c => RawResponse.ParseAll(c!.Received).FirstOrDefault()?.Status ?? 0)];
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }
}
